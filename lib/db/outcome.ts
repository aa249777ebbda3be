import type { ActionRecord } from './schema';

export const OUTCOMES = [
  'pending',
  'approved',
  'edited',
  'rejected',
  'timeout',
  'abandoned',
  'allowed-by-rule',
  'blocked-by-rule',
  'released',
  'unreviewed',
  'answered',
] as const;
export type Outcome = (typeof OUTCOMES)[number];

type OutcomeInput = Pick<ActionRecord, 'status' | 'decidedBy' | 'edits'>;

/** One word for what happened, derived from the status and who decided. */
export function outcomeOf(record: OutcomeInput): Outcome {
  switch (record.status) {
    case 'approved':
      if (record.decidedBy === 'rule') return 'allowed-by-rule';
      return record.edits?.length ? 'edited' : 'approved';
    case 'rejected':
      if (record.decidedBy === 'rule') return 'blocked-by-rule';
      return record.decidedBy === 'timeout' ? 'timeout' : 'rejected';
    default:
      return record.status;
  }
}

const MAX_WORDS = 64;
const WORD = /[\p{L}\p{N}][\p{L}\p{N}._@-]*/gu;

/** Search words of a record: lower case, unique, from what a person would search by. */
export function wordsOf(record: Pick<ActionRecord, 'label' | 'site' | 'tabTitle' | 'recipients' | 'message' | 'note' | 'kind'>): string[] {
  const text = [
    record.label,
    record.site.replace(/^[a-z]+:\/\//, ''),
    record.tabTitle,
    ...(record.recipients ?? []),
    (record.message ?? '').slice(0, 500),
    record.note ?? '',
    record.kind,
  ].join(' ');
  const words = new Set<string>();
  for (const match of text.toLowerCase().matchAll(WORD)) {
    const word = match[0].replace(/[._@-]+$/, '');
    // "ada@example.com" is found by itself and by "ada", "example", "com".
    for (const part of [word, ...word.split(/[._@-]+/)]) if (part.length >= 2) words.add(part.slice(0, 40));
    if (words.size >= MAX_WORDS) break;
  }
  return [...words];
}
