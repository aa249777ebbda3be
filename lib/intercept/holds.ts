import type { FieldEdit } from '@/lib/actions/types';
import type { RequestDetail } from '@/lib/messaging/frames';
import type { DecisionReply, HoldReply, RevealReply } from '@/lib/messaging/protocol';
import type { Clock } from './clock';
import type { Describer } from './describer';
import type { Held, HoldSpec } from './held';
import { createHoldChannel } from './hold-channel';
import { createJoins } from './joins';
import type { Replays } from './replays';
import type { Status } from './status';
import type { Transport } from './transport';
import { describeError, unreadableAction } from './unreadable';

export interface Holds {
  hold(spec: HoldSpec): void;
  /** One input, one card: a request joins the pending card of the input that caused it, else waits on its own. */
  holdOrJoin(spec: HoldSpec, request: RequestDetail): void;
  /** A read-only tool the page runs at once: described for the log only (as unreadable if the describer cannot load). */
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
  /** The describing half, loaded into the frame on its first hold. */
  loadDescriber(): Promise<Describer>;
}

const fresh = (spec: HoldSpec, answered: Promise<void>): Held => ({ ...spec, joined: [], answered, targets: [], truncated: false, baseline: null });

/**
 * The actions this frame holds, each until the background delivers a decision (a release, when
 * the tab turns out not to be guarded). The event is stopped first; the describer, loaded on
 * the frame's first hold, then reads what the card will show. An approval sends what the card
 * showed, or nothing. A describer that cannot be loaded leaves the action held as unreadable.
 */
export function createHolds({ win, clock, transport, status, replays, loadDescriber }: HoldsDeps): Holds {
  const held = new Map<string, Held>();
  /** Once loaded, approvals, edits and reveals answer at once with it. */
  let describer: Describer | null = null;
  const joins = createJoins({ send: transport.join, summary: (request) => describer?.joined(request), replays, holdAlone: (spec) => hold(spec) });
  const channel = createHoldChannel({ clock, send: transport.hold, alive: transport.alive, status, heldCount: () => held.size });
  const newId = () => Array.from(win.crypto.getRandomValues(new Uint32Array(4)), (part) => part.toString(16).padStart(8, '0')).join('-');
  const describe = (id: string, entry: Held) =>
    loadDescriber().then(
      (loaded) => (describer = loaded).read(id, entry),
      (error: unknown) => unreadableAction(win, id, Object.assign(entry, { kind: 'unclassified', failure: `its description could not be loaded (${describeError(error)})` })),
    );

  function hold(spec: HoldSpec): void {
    const id = newId();
    let markAnswered = (): void => undefined;
    const entry = fresh(spec, new Promise<void>((done) => (markAnswered = done)));
    held.set(id, entry);
    status.show('Held for review by a person');
    void describe(id, entry).then((proposal) =>
      channel.ask(proposal, () => held.has(id), (reply) => {
        markAnswered();
        answered(id, entry, reply);
      }),
    );
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
    describer?.applyEdits(entry, edits);
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
      const id = newId();
      void describe(id, fresh(spec, Promise.resolve())).then(transport.ran);
    },
    approve(id, edits) {
      const entry = held.get(id);
      if (!entry) return { delivered: false };
      const changed = describer?.changesSince(entry) ?? [];
      if (!describer || !changed.length) return { delivered: release(id, 'Approved by reviewer', edits, true) };
      // Not what the reviewer saw: send nothing, and show them the action as it is now.
      status.show('Held for review by a person: the page changed this action, so it must be reviewed again');
      return { delivered: false, changed, ...describer.rebind(entry) };
    },
    reject(id, why) {
      const entry = held.get(id);
      if (!entry || !held.delete(id)) return { delivered: false };
      discard(entry, why);
      return { delivered: true };
    },
    reveal(id, index) {
      const entry = held.get(id);
      const value = entry && describer?.reveal(entry, index);
      return value === undefined ? { error: 'The page no longer holds this action.' } : { value };
    },
    count: () => held.size,
  };
}
