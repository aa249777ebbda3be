import { AGENT_TAB, type AgentQuestion } from '@/lib/actions/types';
import { clip } from '@/lib/actions/wording';
import type { ActionRecord, DecisionProof, Settings } from '@/lib/db/schema';
import type { ActionStore } from '@/lib/db/store';
import type { DecideReply } from '@/lib/messaging/protocol';
import { originOf } from '@/lib/policy/risk';
import { approveThrough } from './approval';
import { approvesSomething, type GateVerdict } from './gate';
import type { BrokerPlatform } from './platform';
import { refused } from '@/lib/messaging/refusals';

// The agent's questions to the person: asked on its channel, shown in the Queue, answered in
// the panel, and waited for by the agent. A question is a record like an action (kind
// `question`), so History, exports, timeouts and flood pauses treat it as they treat actions.

/** The longest one `wait` holds the channel's request; the agent asks again until answered. */
export const WAIT_LIMIT_MS = 25_000;
const LABEL_LIMIT = 300;

/** What the agent learns of its question. */
export type QuestionState =
  | { status: 'pending'; paused?: true }
  | { status: 'answered'; answer: string }
  | { status: 'declined'; note?: string }
  | { status: 'timed-out'; note?: string }
  | { status: 'closed'; reason: string };

export interface QuestionInput {
  question: string;
  options?: string[];
  context?: string;
  confidence?: number;
}

export interface QuestionDeps {
  store: ActionStore;
  platform: Pick<BrokerPlatform, 'now' | 'newId' | 'captureTab' | 'notifyHeld' | 'agentTab'>;
  /** The tabs the agent acted in lately, most likely first. */
  recentTabs(): number[];
  withAgentContext(record: ActionRecord): Promise<ActionRecord>;
  isFlooding(record: ActionRecord, limit: number): Promise<boolean>;
  armTimeout(record: ActionRecord, settings: Settings): void;
  /** The webhook's post, should it wait too long. */
  armNotice(record: ActionRecord): void;
  /** The approval gate, on the answer path: the dwell always, the fatigue pause for an answer that approves. */
  gate(record: ActionRecord, approving: boolean): Promise<GateVerdict>;
  noteApproval(record: ActionRecord, dwellMs: number | undefined): Promise<void>;
  /** Takes the team queue's entry first, unless a reviewer answered already. */
  claim(id: string): Promise<DecideReply>;
}

export class Questions {
  private readonly waiting = new Set<() => void>();

  constructor(private readonly deps: QuestionDeps) {}

  async ask(input: QuestionInput): Promise<{ question: string }> {
    const { store, platform } = this.deps;
    const now = platform.now();
    const concerns = await platform.agentTab(this.deps.recentTabs()).catch(() => null);
    const question: AgentQuestion = {
      text: input.question,
      ...(input.options?.length ? { options: input.options } : {}),
      ...(input.context ? { context: input.context } : {}),
      ...(input.confidence !== undefined ? { confidence: input.confidence } : {}),
      ...(concerns ? { concerns } : {}),
    };
    const url = concerns?.url ?? '';
    const record = await this.deps.withAgentContext({
      id: platform.newId(),
      kind: 'question',
      trigger: 'channel',
      label: clip(input.question, LABEL_LIMIT),
      frameUrl: url,
      frameTitle: concerns?.title ?? '',
      fields: [],
      signals: [],
      heldAt: now,
      tabId: AGENT_TAB,
      frameId: -1,
      tabUrl: url,
      tabTitle: concerns?.title ?? '',
      site: originOf(url) ?? '',
      status: 'pending',
      createdAt: now,
      risks: [],
      question,
    });
    await store.add(record);
    const settings = await store.settings();
    const paused = await this.deps.isFlooding(record, settings.floodLimit);
    const screenshot = concerns && !paused ? await this.capture(record.id, concerns.tabId) : undefined;
    await store.update(record.id, { evaluatedAt: platform.now(), ...(screenshot ? { screenshot } : {}), ...(paused ? { paused: true } : {}) });
    this.deps.armTimeout(record, settings);
    if (settings.notifications && !paused) void platform.notifyHeld(record).catch(() => undefined);
    if (!paused) this.deps.armNotice(record);
    return { question: record.id };
  }

  /** The person's answer, from the panel: through the gate, once, and before any team reviewer's. */
  async answer(id: string, text: string, dwellMs: number | undefined): Promise<DecideReply> {
    const record = await this.deps.store.get(id);
    if (record?.kind !== 'question' || !record.question) return refused('notAQuestion');
    const approving = approvesSomething(text);
    return approveThrough({
      gate: () => this.deps.gate(record, approving),
      claim: () => this.deps.claim(id),
      act: () => this.settle(id, text),
      noteApproval: async (answered) => {
        if (approving) await this.deps.noteApproval(answered, dwellMs);
      },
    });
  }

  /** Records the answer (a team reviewer's: signed, checked and gated on their side). */
  async settle(id: string, text: string, reviewer?: { name: string; key: string }, proof?: DecisionProof): Promise<DecideReply> {
    const record = await this.deps.store.get(id);
    if (!record?.question) return refused('notAQuestion');
    const answered = await this.deps.store.settle(id, {
      status: 'answered',
      decidedAt: this.deps.platform.now(),
      decidedBy: 'person',
      question: { ...record.question, answer: text },
      ...(reviewer ? { reviewer } : {}),
      ...(proof ? { proof } : {}),
    });
    if (!answered) return refused('questionSettled');
    return { ok: true };
  }

  /** What became of a question; while it is pending, waits up to `waitMs` for that to change. */
  async wait(id: string, waitMs: number): Promise<QuestionState | { error: string }> {
    const deadline = this.deps.platform.now() + Math.min(waitMs, WAIT_LIMIT_MS);
    for (;;) {
      const record = await this.deps.store.get(id);
      if (record?.kind !== 'question') return { error: `no question ${JSON.stringify(id.slice(0, 100))}` };
      const state = stateOf(record);
      const left = deadline - this.deps.platform.now();
      if (state.status !== 'pending' || left <= 0) return state;
      await this.nextChange(left);
    }
  }

  /** Something changed: every waiting agent looks again. */
  changed(): void {
    for (const wake of this.waiting) wake();
    this.waiting.clear();
  }

  private nextChange(ms: number): Promise<void> {
    return new Promise((done) => {
      const wake = () => {
        clearTimeout(timer);
        this.waiting.delete(wake);
        done();
      };
      const timer = setTimeout(wake, ms);
      this.waiting.add(wake);
    });
  }

  private async capture(id: string, tabId: number): Promise<ActionRecord['screenshot']> {
    try {
      const picture = await this.deps.platform.captureTab(tabId, { rects: [], viewportWidth: 1 });
      if (picture === 'background') return 'background';
      await this.deps.store.putScreenshot(id, { blob: picture, capturedAt: this.deps.platform.now() });
      return 'captured';
    } catch {
      return 'unavailable';
    }
  }
}

export function stateOf(record: ActionRecord): QuestionState {
  switch (record.status) {
    case 'pending':
      return record.paused ? { status: 'pending', paused: true } : { status: 'pending' };
    case 'answered':
      return { status: 'answered', answer: record.question?.answer ?? '' };
    case 'rejected':
      return { status: record.decidedBy === 'timeout' ? 'timed-out' : 'declined', ...(record.note ? { note: record.note } : {}) };
    default:
      return { status: 'closed', reason: record.reason ?? record.status };
  }
}
