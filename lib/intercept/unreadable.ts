import { titleOf } from '@/lib/actions/native';
import type { ProposedAction } from '@/lib/actions/types';
import { clip, normalizeLabel, TITLE_LIMIT } from '@/lib/actions/wording';
import type { Held } from './held';

export const URL_LIMIT = 8192;

export function describeError(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return normalizeLabel(text);
}

/** Where an action happened: the frame's address and title, as every proposal carries them. */
export function frameOf(win: Window, entry: Held, id: string, frameTitle = clip(titleOf(win.document), TITLE_LIMIT)) {
  return {
    id,
    trigger: entry.trigger,
    label: entry.label,
    frameUrl: clip(win.location.href, URL_LIMIT),
    frameTitle,
    signals: entry.signals,
    heldAt: Date.now(),
  };
}

/** What is known of an action that could not be read: where it happened and why it failed. */
export function unreadableAction(win: Window, id: string, entry: Held): ProposedAction {
  let title = '';
  try {
    title = clip(titleOf(win.document), TITLE_LIMIT);
  } catch {
    // the title is page data too; leave it out
  }
  return { ...frameOf(win, entry, id, title), kind: 'unclassified', fields: [], unreadable: [`could not read this action: ${entry.failure ?? 'unknown error'}`] };
}
