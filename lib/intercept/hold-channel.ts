import type { ProposedAction } from '@/lib/actions/types';
import type { HoldReply } from '@/lib/messaging/protocol';
import type { Clock } from './clock';
import type { Status } from './status';

const HOLD_ATTEMPTS = 20;
const HOLD_RETRY_MS = 250;
/** An attempt with no answer by then is asked again (an answer that comes later still counts). */
const HOLD_SILENCE_MS = 3000;
/** However the attempts went, by then the page says Countersign cannot be reached. */
const HOLD_GIVE_UP_MS = 8000;
const ORPHAN_CHECK_MS = 1000;

export const UNREACHABLE = 'Held: Countersign could not reach its reviewer; nothing was sent';
export const ORPHANED = 'Held: Countersign was reloaded, so these actions were not sent. Reload the page to try again.';

export interface HoldChannelDeps {
  clock: Clock;
  send(action: ProposedAction): Promise<HoldReply>;
  /** False once the extension was reloaded or updated: this script can no longer be reached. */
  alive(): boolean;
  status: Status;
  heldCount(): number;
}

/**
 * Asks the background to hold an action until it answers. A worker stopped mid-hold loses the
 * reply, and one that never starts again (its install was cut short) leaves a message with no
 * answer at all: ask again (the broker answers a repeat with what became of the first) until it
 * answers or time is up, then say so on the page. The action stays held either way.
 */
export function createHoldChannel(deps: HoldChannelDeps) {
  const { clock, status } = deps;
  const orphanWatch = createOrphanWatch(deps);

  /**
   * `stillHeld` false: decided meanwhile, stop asking. `answered` runs with every reply: a late
   * answer to an earlier attempt counts too (each outcome it leads to happens once).
   */
  function ask(action: ProposedAction, stillHeld: () => boolean, answered: (reply: HoldReply | undefined) => void): void {
    orphanWatch.start();
    const giveUpAt = clock.now() + HOLD_GIVE_UP_MS;
    let done = false;
    const attempt = (count: number): void => {
      let retried = false;
      const retry = (silent: boolean) => {
        if (retried || done || !stillHeld()) return;
        retried = true;
        // No answer because the extension was reloaded: the orphan watch says so, more exactly.
        if (silent && !deps.alive()) return;
        if (count < HOLD_ATTEMPTS && clock.now() < giveUpAt && deps.alive()) clock.setTimeout(() => done || attempt(count + 1), HOLD_RETRY_MS);
        else status.show(UNREACHABLE);
      };
      const silence = clock.setTimeout(() => retry(true), HOLD_SILENCE_MS);
      void deps.send(action).then(
        (reply) => {
          clock.clearTimeout(silence);
          done = true;
          answered(reply);
        },
        () => {
          clock.clearTimeout(silence);
          retry(false);
        },
      );
    };
    attempt(1);
  }

  return { ask };
}

/** A reloaded extension cannot deliver decisions to this script: keep holding, and say so. */
function createOrphanWatch({ clock, alive, status, heldCount }: HoldChannelDeps) {
  let timer: number | undefined;
  const stop = () => {
    clock.clearInterval(timer);
    timer = undefined;
  };
  return {
    start() {
      if (timer !== undefined) return;
      timer = clock.setInterval(() => {
        if (!heldCount()) return stop();
        if (alive()) return;
        stop();
        status.show(ORPHANED);
      }, ORPHAN_CHECK_MS);
    },
  };
}
