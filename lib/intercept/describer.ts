import { readValue, writeValue } from '@/lib/actions/dom';
import { editedArgs, toolArgText } from '@/lib/actions/tool-call';
import type { Amount, FieldChange, FieldEdit, FieldSnapshot, JoinedRequest, ProposedAction } from '@/lib/actions/types';
import { clip } from '@/lib/actions/wording';
import type { RequestDetail } from '@/lib/messaging/frames';
import { boundState, changesSince } from './binding';
import { currentAmount, describeAction, fieldTargets, requestFields, snapshots } from './describe';
import type { Held } from './held';
import { requestMethod } from './request-method';
import { describeError, unreadableAction, URL_LIMIT } from './unreadable';

/**
 * The half of the content script that describes what is held and binds approvals to it. It is
 * injected into a frame only when the frame first holds something (entrypoints/describer.ts),
 * so the frames that never hold anything (most of them) never load it.
 */
export interface Describer {
  /** Reads what the card will show into `entry` (targets, baseline) and returns the proposal; unreadable as unclassified. */
  read(id: string, entry: Held): ProposedAction;
  /** What the page changed since the card was shown; empty when nothing could be read. */
  changesSince(entry: Held): FieldChange[];
  /** Binds the entry anew to what it is now, and says what the card should show. */
  rebind(entry: Held): { fields: FieldSnapshot[]; amount: Amount | null };
  /** A further request as its leader's card shows it. */
  joined(request: RequestDetail): JoinedRequest;
  /** A reviewer's edits, written into the page's fields (as typing would) or the tool call's arguments. */
  applyEdits(entry: Held, edits: FieldEdit[]): void;
  /** A value the card masked, read afresh for the reviewer who asked to see it. */
  reveal(entry: Held, index: number): string | undefined;
}

export function createDescriber(win: Window & typeof globalThis): Describer {
  return {
    read(id, entry) {
      try {
        if (!entry.failure) {
          const { targets, truncated } = fieldTargets(entry);
          Object.assign(entry, { targets, truncated, baseline: boundState(win, entry, targets) });
        }
        return describeAction(win, id, entry);
      } catch (error) {
        Object.assign(entry, { kind: 'unclassified', failure: describeError(error), targets: [], truncated: false, baseline: null });
        return unreadableAction(win, id, entry);
      }
    },
    changesSince: (entry) => changesSince(win, entry),
    rebind(entry) {
      entry.baseline = boundState(win, entry, entry.targets);
      return { fields: snapshots(entry), amount: currentAmount(entry) ?? null };
    },
    joined: (request) => ({ method: requestMethod(request), url: clip(request.url, URL_LIMIT), fields: requestFields(request) }),
    applyEdits(entry, edits) {
      for (const edit of edits) {
        const target = entry.targets[edit.index];
        if (target) writeValue(target, edit.value);
      }
      if (entry.toolArgs && edits.length) entry.toolArgs.values = editedArgs(entry.toolArgs.values, entry.toolArgs.schema, edits);
    },
    reveal(entry, index) {
      const target = entry.targets[index];
      return entry.toolArgs ? toolArgText(entry.toolArgs.values, index) : target && readValue(target);
    },
  };
}
