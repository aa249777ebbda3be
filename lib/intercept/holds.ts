import { writeValue, readValue } from '@/lib/actions/dom';
import { editedArgs, toolArgText } from '@/lib/actions/tool-call';
import type { FieldEdit, ProposedAction } from '@/lib/actions/types';
import type { RequestDetail } from '@/lib/messaging/frames';
import type { DecisionReply, HoldReply, RevealReply } from '@/lib/messaging/protocol';
import { boundState, changesSince } from './binding';
import type { Clock } from './clock';
import { currentAmount, describeAction, describeError, fieldTargets, snapshots, unreadableAction } from './describe';
import type { Held, HoldSpec } from './held';
import { createHoldChannel } from './hold-channel';
import { createJoins } from './joins';
import type { Replays } from './replays';
import type { Status } from './status';
import type { Transport } from './transport';

export interface Holds {
  hold(spec: HoldSpec): void;
  /** One input, one card: a request joins the pending card of the input that caused it, else waits on its own. */
  holdOrJoin(spec: HoldSpec, request: RequestDetail): void;
  /** A read-only tool the page runs at once: described for the log only. */
  logRun(spec: HoldSpec): void;
  approve(id: string, edits: FieldEdit[]): DecisionReply;
  reject(id: string, why: string): DecisionReply;
  reveal(id: string, index: number): RevealReply;
  count(): number;
}

export interface HoldsDeps {
  win: Window & typeof globalThis;
  clock: Clock;
  transport: Transport;
  status: Status;
  replays: Replays;
}

/**
 * The actions this frame holds, each until the background delivers a decision (a release, when
 * the tab turns out not to be guarded). An approval sends what the card showed, or nothing.
 */
export function createHolds({ win, clock, transport, status, replays }: HoldsDeps): Holds {
  const held = new Map<string, Held>();
  const joins = createJoins({ send: transport.join, replays, holdAlone: (spec) => hold(spec) });
  const channel = createHoldChannel({ clock, send: transport.hold, alive: transport.alive, status, heldCount: () => held.size });
  const newId = () => Array.from(win.crypto.getRandomValues(new Uint32Array(4)), (part) => part.toString(16).padStart(8, '0')).join('-');

  function hold(spec: HoldSpec): void {
    const id = newId();
    let markAnswered = (): void => undefined;
    const [entry, proposal] = read(win, id, spec, new Promise<void>((done) => (markAnswered = done)));
    held.set(id, entry);
    status.show('Held for review by a person');
    channel.ask(proposal, () => held.has(id), (reply) => {
      markAnswered();
      answered(id, entry, reply);
    });
  }

  function answered(id: string, entry: Held, reply: HoldReply | undefined): void {
    if (reply?.status === 'release') release(id, null, [], reply.approved === true);
    if (reply?.status === 'blocked' && held.delete(id)) discard(entry, `Blocked by a Countersign rule: ${reply.reason}`);
    if (!reply?.status) status.show("Held: Countersign refused this action's description; nothing was sent");
  }

  function discard(entry: Held, why: string): void {
    entry.discard?.(why);
    joins.settle(entry, false, why);
    status.show(why);
  }

  /** Removes the entry before replaying, so a second decision for the same id finds nothing. */
  function release(id: string, statusText: string | null, edits: FieldEdit[], reviewed = false): boolean {
    const entry = held.get(id);
    if (!entry) return false;
    held.delete(id);
    applyEdits(entry, edits);
    if (statusText) status.show(statusText);
    else if (!held.size) status.hide();
    // After the reply has gone back: a replayed submission may unload this page.
    clock.setTimeout(() => {
      replays.run(entry.replay, reviewed);
      joins.settle(entry, true, '', reviewed);
    }, 0);
    return true;
  }

  return {
    hold,
    holdOrJoin(spec, request) {
      const leader = spec.input ? [...held].find(([, entry]) => entry.input === spec.input && entry.trigger !== 'tool') : undefined;
      if (leader) joins.join(leader[0], leader[1], spec, request);
      else hold(spec);
    },
    logRun(spec) {
      transport.ran(describeAction(win, newId(), { ...spec, joined: [], answered: Promise.resolve(), targets: [], truncated: false, baseline: null }));
    },
    approve(id, edits) {
      const entry = held.get(id);
      if (!entry) return { delivered: false };
      const changed = changesSince(win, entry);
      if (!changed.length) return { delivered: release(id, 'Approved by reviewer', edits, true) };
      // Not what the reviewer saw: send nothing, and show them the action as it is now.
      entry.baseline = boundState(win, entry, entry.targets);
      status.show('Held for review by a person: the page changed this action, so it must be reviewed again');
      return { delivered: false, changed, fields: snapshots(entry), amount: currentAmount(entry) ?? null };
    },
    reject(id, why) {
      const entry = held.get(id);
      if (!entry || !held.delete(id)) return { delivered: false };
      discard(entry, why);
      return { delivered: true };
    },
    reveal: (id, index) => reveal(held.get(id), index),
    count: () => held.size,
  };
}

/** Reads what the card will show; an exception there holds it as unclassified with what is known. */
function read(win: Window, id: string, spec: HoldSpec, answered: Promise<void>): [Held, ProposedAction] {
  const fresh = { joined: [], answered, truncated: false, baseline: null };
  try {
    const { targets, truncated } = spec.failure ? { targets: [], truncated: false } : fieldTargets(spec);
    const entry: Held = { ...spec, ...fresh, targets, truncated, baseline: spec.failure ? null : boundState(win, spec, targets) };
    return [entry, describeAction(win, id, entry)];
  } catch (error) {
    const entry: Held = { ...spec, ...fresh, kind: 'unclassified', failure: describeError(error), targets: [] };
    return [entry, unreadableAction(win, id, entry)];
  }
}

/** A value the card masked, read afresh for the reviewer who asked to see it. */
function reveal(entry: Held | undefined, index: number): RevealReply {
  const target = entry?.targets[index];
  const value = entry?.toolArgs ? toolArgText(entry.toolArgs.values, index) : target && readValue(target);
  return value === undefined ? { error: 'The page no longer holds this action.' } : { value };
}

/** A reviewer's edits, written into the page's fields (as typing would) or the tool call's arguments. */
function applyEdits(entry: Held, edits: FieldEdit[]): void {
  for (const edit of edits) {
    const target = entry.targets[edit.index];
    if (target) writeValue(target, edit.value);
  }
  if (entry.toolArgs && edits.length) entry.toolArgs.values = editedArgs(entry.toolArgs.values, entry.toolArgs.schema, edits);
}
