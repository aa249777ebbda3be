import type { DecisionReply, RevealReply } from '@/lib/messaging/protocol';
import type { Capture } from './capture';
import { listenForInput } from './capture-dom';
import { listenToHook } from './capture-hook';
import { windowClock, type Clock } from './clock';
import type { Describer } from './describer';
import { createFrameGuard } from './frame-guard';
import { createHolds } from './holds';
import { createInputs } from './inputs';
import { readTabMessage } from './read-messages';
import { createReplays } from './replays';
import { createStatus } from './status';
import type { Transport } from './transport';

export type { Transport } from './transport';

export interface Interceptor {
  /** Handles a message from the background; returns the reply for decisions and reveals. */
  receive(message: unknown): DecisionReply | RevealReply | undefined;
  heldCount(): number;
}

/**
 * The content script's engine in one frame: listeners see every click, submit, Enter, request
 * and tool call first; a consequential one is held until the background delivers a decision
 * (a release, when the tab turns out not to be guarded). Nothing else releases it, and an
 * exception while reading it holds it as unclassified. `loadDescriber` brings in the half that
 * describes a held action (on the frame's first hold); `clock` is the page's timers unless a
 * test passes its own.
 */
export function installInterceptor(
  win: Window & typeof globalThis,
  transport: Transport,
  loadDescriber: () => Promise<Describer>,
  clock: Clock = windowClock(win),
): Interceptor {
  const status = createStatus(win.document);
  const guard = createFrameGuard(win, transport.hello);
  const replays = createReplays(clock);
  const inputs = createInputs({ clock, replaying: replays.active, knownGuarded: guard.knownGuarded, send: transport.input });
  const holds = createHolds({ win, clock, transport, status, replays, loadDescriber });
  const capture: Capture = { win, clock, guard, inputs, replays, holds };
  listenForInput(capture);
  listenToHook(capture);

  return {
    receive(raw) {
      const message = readTabMessage(raw);
      if (message?.type === 'guard') guard.set(message.guard);
      if (message?.type === 'reveal') return holds.reveal(message.id, message.index);
      if (message?.type !== 'decision') return undefined;
      if (message.verdict === 'approve') return holds.approve(message.id, message.edits ?? []);
      const who = message.by === 'timeout' ? 'Rejected, timed out' : 'Rejected by reviewer';
      return holds.reject(message.id, `${who}${message.note ? `: ${message.note}` : ''}`);
    },
    heldCount: holds.count,
  };
}
