import type { JoinedRequest } from '@/lib/actions/types';
import type { RequestDetail } from '@/lib/messaging/frames';
import type { Held, HoldSpec, Joined } from './held';
import type { Replays } from './replays';

export interface JoinsDeps {
  /** Shows a further request on a pending card; false when the card was decided meanwhile. */
  send(id: string, request: JoinedRequest): Promise<{ joined: boolean }>;
  /** The request as the card shows it; undefined when it cannot be described. */
  summary(request: RequestDetail): JoinedRequest | undefined;
  replays: Replays;
  /** Holds a request on a card of its own. */
  holdAlone(spec: HoldSpec): void;
}

/** One input, one card: the further requests an input causes join its pending card and are decided with it. */
export function createJoins({ send, summary: summaryOf, replays, holdAlone }: JoinsDeps) {
  return {
    join(id: string, leader: Held, spec: HoldSpec, request: RequestDetail): void {
      const joined: Joined = { spec, shown: false };
      leader.joined.push(joined);
      const alone = () => {
        // Refused (the card was decided meanwhile): it waits on a card of its own.
        const index = leader.joined.indexOf(joined);
        if (index >= 0) leader.joined.splice(index, 1);
        holdAlone(spec);
      };
      // Only once the background has the card; a leader decided meanwhile settled this already.
      void leader.answered.then(() => {
        if (!leader.joined.includes(joined)) return;
        const summary = summaryOf(request);
        if (!summary) return alone();
        send(id, summary).then((reply) => (reply?.joined === true ? (joined.shown = true) : alone()), alone);
      });
    },

    /** Decides the requests that joined a card with it; one the card never showed gets its own. */
    settle(entry: Held, approved: boolean, why: string, reviewed = false): void {
      for (const joined of entry.joined.splice(0)) {
        if (!approved) joined.spec.discard?.(why);
        else if (joined.shown) replays.run(joined.spec.replay, reviewed);
        else holdAlone(joined.spec);
      }
    },
  };
}
