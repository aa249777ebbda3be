import { outcomeOf, wordsOf } from './outcome';
import type { ActionRecord } from './schema';

/** The record with the fields the history indexes read, recomputed from the rest. */
export function withDerived(record: ActionRecord): ActionRecord {
  return { ...record, outcome: outcomeOf(record), words: wordsOf(record) };
}
