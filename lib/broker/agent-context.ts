import type { AgentDecision } from '@/lib/agent/requests';
import type { AgentConfidence, AgentTask } from '@/lib/actions/types';
import { clip } from '@/lib/actions/wording';
import { outcomeOf } from '@/lib/db/outcome';
import type { ActionRecord, ChannelRefusal } from '@/lib/db/schema';
import type { ActionStore } from '@/lib/db/store';
import type { AgentState } from '@/lib/messaging/protocol';
import type { BrokerPlatform } from './platform';

const AGENT_DECISIONS = 200;
const CHANNEL_REFUSALS = 50;

/** What the agent said of itself on its channel (its task, its confidence), and what it learns back. */
export class AgentContext {
  private task: Promise<AgentTask | null> | null = null;
  private confidence: Promise<AgentConfidence | null> | null = null;
  private refusalsWritten: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: ActionStore,
    private readonly platform: BrokerPlatform,
    /** The store announces its writes before this keeps them in memory: this says so after. */
    private readonly changed: () => void,
  ) {}

  /**
   * The agent's declared task, on every action held until it declares another, and its stated
   * doubt while its confidence is below the threshold.
   */
  async withAgentContext(record: ActionRecord): Promise<ActionRecord> {
    this.task ??= this.store.agentTask();
    this.confidence ??= this.store.agentConfidence();
    const [task, confidence, settings] = await Promise.all([this.task, this.confidence, this.store.settings()]);
    const unsure = confidence && confidence.value < settings.confidenceThreshold ? confidence : undefined;
    return { ...record, ...(task ? { task } : {}), ...(unsure ? { unsure } : {}) };
  }

  /**
   * From the agent's channel: the actions held since `since`, newest first (at most 200), with
   * their outcome, who decided and the person's note and edits. A page's own traffic is left out.
   */
  async agentDecisions(since: number): Promise<AgentDecision[]> {
    return (await this.store.recent(AGENT_DECISIONS))
      .filter((record) => record.createdAt >= since && !record.traffic)
      .map((record) => ({
        id: record.id,
        heldAt: new Date(record.createdAt).toISOString(),
        site: record.site,
        kind: record.kind,
        label: record.label,
        outcome: outcomeOf(record),
        decidedBy: record.decidedBy ?? null,
        note: record.note ?? null,
        edits: record.edits ?? [],
        ...(record.question?.answer !== undefined ? { answer: record.question.answer } : {}),
      }));
  }

  /** From the agent's channel: its task in its own words, for the cards that follow. A new task starts with no stated doubt. */
  async declareTask(task: string, constraints?: string): Promise<{ ok: true }> {
    const declared: AgentTask = { task, ...(constraints ? { constraints } : {}), declaredAt: this.platform.now() };
    await this.store.saveAgentTask(declared);
    await this.store.saveAgentConfidence(null);
    this.task = Promise.resolve(declared);
    this.confidence = Promise.resolve(null);
    this.changed();
    return { ok: true };
  }

  /**
   * From the agent's channel: how sure it is, and about what. Below the threshold its actions
   * ask even where a rule would allow them, until it reports otherwise or declares a new task.
   */
  async reportConfidence(value: number, about: string): Promise<{ ok: true; asking: boolean }> {
    const stated: AgentConfidence = { value, about, at: this.platform.now() };
    await this.store.saveAgentConfidence(stated);
    this.confidence = Promise.resolve(stated);
    this.changed();
    return { ok: true, asking: value < (await this.store.settings()).confidenceThreshold };
  }

  /** A request on the agent's channel was refused: kept for Settings, where the person sees it. */
  noteChannelRefusal(type: string, error: string): Promise<void> {
    const refusal: ChannelRefusal = { at: this.platform.now(), type: clip(type, 40), error: clip(error, 300) };
    // One after another: refusals arriving together each read the list the last one wrote.
    this.refusalsWritten = this.refusalsWritten.then(async () => {
      await this.store.saveChannelRefusals([...(await this.store.channelRefusals()), refusal].slice(-CHANNEL_REFUSALS));
    });
    return this.refusalsWritten;
  }

  /** The agent's side as Settings show it: its task, its stated confidence, what it tried and was refused. */
  async agentState(): Promise<AgentState> {
    const [task, confidence, refusals] = await Promise.all([this.store.agentTask(), this.store.agentConfidence(), this.store.channelRefusals()]);
    return { task, confidence, refusals };
  }
}
