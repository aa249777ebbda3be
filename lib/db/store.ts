import type { IDBPDatabase, IDBPTransaction } from 'idb';
import type { AgentConfidence, AgentTask } from '@/lib/actions/types';
import type { Rule } from '@/lib/policy/rules';
import type { WebhookStatus } from '@/lib/policy/webhook';
import type { ActionRecord, ChannelRefusal, CountersignSchema, FatigueState, ScreenshotRecord, Settings, StoredPasskey, TeamSigningKey } from './schema';
import { DEFAULT_SETTINGS } from './schema';
import { withDerived } from './derived';
import { ChangeNotices } from './change-notices';
import { GENESIS, linked, type ChainHead, type Checkpoint } from './chain';

type Db = IDBPDatabase<CountersignSchema>;
type WriteTx = IDBPTransaction<CountersignSchema, ('actions' | 'settings' | 'screenshots')[], 'readwrite'>;

const CHAIN_HEAD = 'chainHead';
const CHECKPOINTS = 'checkpoints';
/** Kept beside the settings but read only by the worker's own code: writing them changes nothing anyone shows. */
const UNSHOWN = new Set(['teamKey', 'logKey']);

/** Queries over the one database; the broker is its only writer. Every write is announced (`notices`). */
export class ActionStore {
  private storedSettings: Promise<Partial<Settings> | undefined> | null = null;
  /** The panels, the badge and the team queue follow these; writes in a `batch` are announced once. */
  readonly notices = new ChangeNotices();

  constructor(private readonly db: Db) {}

  /** Fails when the id exists: a proposal can never overwrite a record. */
  async add(record: ActionRecord): Promise<void> {
    const tx = this.db.transaction(['actions', 'settings'], 'readwrite');
    await tx.objectStore('actions').add(await this.chained(tx, withDerived(record)));
    await tx.done;
    this.notices.announce();
  }

  /** The record with its next chain link, the head moved on in the same transaction. */
  private async chained(tx: WriteTx, record: ActionRecord): Promise<ActionRecord> {
    const settings = tx.objectStore('settings');
    const head = ((await settings.get(CHAIN_HEAD)) as ChainHead | undefined) ?? null;
    const next = linked(record, head, Date.now());
    if (next.head !== head) await settings.put(next.head, CHAIN_HEAD);
    return next.record;
  }

  /** The chain's head: the last link's sequence number and hash (null before the first). */
  async chainHead(): Promise<ChainHead | null> {
    return ((await this.db.get('settings', CHAIN_HEAD)) as ChainHead | undefined) ?? null;
  }

  /** Where the chain began and was cut, oldest first. */
  async checkpoints(): Promise<Checkpoint[]> {
    return ((await this.db.get('settings', CHECKPOINTS)) as Checkpoint[] | undefined) ?? [];
  }

  /** The checkpoint where the chain began (at the upgrade that added it), once. */
  async beginChain(began: (recordsBefore: number) => Promise<Checkpoint>): Promise<void> {
    if ((await this.checkpoints()).length) return;
    const checkpoint = await began(await this.db.count('actions'));
    const tx = this.db.transaction('settings', 'readwrite');
    const list = ((await tx.store.get(CHECKPOINTS)) as Checkpoint[] | undefined) ?? [];
    if (!list.some((other) => other.reason === 'began')) await tx.store.put([checkpoint, ...list], CHECKPOINTS);
    await tx.done;
  }

  get(id: string): Promise<ActionRecord | undefined> {
    return this.db.get('actions', id);
  }

  /** Applies `change` only when the record is still pending; returns the new record or null. */
  async settle(id: string, change: Partial<ActionRecord>): Promise<ActionRecord | null> {
    const tx = this.db.transaction(['actions', 'settings'], 'readwrite');
    const actions = tx.objectStore('actions');
    const record = await actions.get(id);
    if (!record || record.status !== 'pending') {
      await tx.done;
      return null;
    }
    const next = await this.chained(tx, withDerived({ ...record, ...change }));
    await actions.put(next);
    await tx.done;
    this.notices.announce();
    return next;
  }

  /** Merges `change` into the record; keys set to undefined are removed. */
  async update(id: string, change: Partial<ActionRecord>): Promise<void> {
    const tx = this.db.transaction(['actions', 'settings'], 'readwrite');
    const actions = tx.objectStore('actions');
    const record = await actions.get(id);
    if (record) {
      const next: Record<string, unknown> = { ...record, ...change };
      for (const key of Object.keys(next)) if (next[key] === undefined) delete next[key];
      await actions.put(await this.chained(tx, withDerived(next as unknown as ActionRecord)));
    }
    await tx.done;
    if (record) this.notices.announce();
  }

  async putScreenshot(id: string, screenshot: ScreenshotRecord): Promise<void> {
    await this.db.put('screenshots', screenshot, id);
    this.notices.announce();
  }

  screenshot(id: string): Promise<ScreenshotRecord | undefined> {
    return this.db.get('screenshots', id);
  }

  /** Pending actions, oldest first. */
  pending(): Promise<ActionRecord[]> {
    const range = IDBKeyRange.bound(['pending', -Infinity], ['pending', Infinity]);
    return this.db.getAllFromIndex('actions', 'byStatusCreated', range);
  }

  async pendingCount(): Promise<number> {
    const range = IDBKeyRange.bound(['pending', -Infinity], ['pending', Infinity]);
    return this.db.countFromIndex('actions', 'byStatusCreated', range);
  }

  forTab(tabId: number): Promise<ActionRecord[]> {
    return this.db.getAllFromIndex('actions', 'byTab', tabId);
  }

  async pendingForTab(tabId: number): Promise<ActionRecord[]> {
    return (await this.forTab(tabId)).filter((record) => record.status === 'pending');
  }

  /** Newest first. */
  async recent(limit: number): Promise<ActionRecord[]> {
    const records: ActionRecord[] = [];
    let cursor = await this.db.transaction('actions').store.index('byCreated').openCursor(null, 'prev');
    while (cursor && records.length < limit) {
      records.push(cursor.value);
      cursor = await cursor.continue();
    }
    return records;
  }

  /** Decided actions of one site, newest first, at most `limit`. */
  async siteHistory(site: string, limit: number): Promise<ActionRecord[]> {
    const records: ActionRecord[] = [];
    const range = IDBKeyRange.bound([site, -Infinity], [site, Infinity]);
    let cursor = await this.db.transaction('actions').store.index('bySiteCreated').openCursor(range, 'prev');
    while (cursor && records.length < limit) {
      records.push(cursor.value);
      cursor = await cursor.continue();
    }
    return records;
  }

  /**
   * Retention: removes decided actions older than `before` or beyond the newest `maxEntries`,
   * oldest first (pending ones stay), then keeps only the newest `keepScreenshots` pictures.
   * Records leave the chain only at `cut`, a checkpoint signed over the head: when a write
   * moved the head since it was signed, nothing is removed and `stale` says to sign again.
   */
  async prune({ keepScreenshots, maxEntries, before, cut }: { keepScreenshots: number; maxEntries: number; before: number; cut: Checkpoint }) {
    const tx = this.db.transaction(['actions', 'screenshots', 'settings'], 'readwrite');
    const actions = tx.objectStore('actions');
    const screenshots = tx.objectStore('screenshots');
    if (!(await this.headIs(tx, cut))) {
      await tx.done;
      return { removed: 0, stale: true };
    }
    let total = await actions.count();
    let removed = 0;
    for (let cursor = await actions.index('byCreated').openCursor(); cursor; cursor = await cursor.continue()) {
      const old = cursor.value.createdAt < before;
      if (!old && total <= maxEntries) break;
      if (cursor.value.status === 'pending') continue;
      await screenshots.delete(cursor.value.id);
      await cursor.delete();
      total--;
      removed++;
    }
    if (removed) await this.appendCheckpoint(tx, { ...cut, kept: total });
    // Pictures go after the cut: a record kept gets a link for it, after the checkpoint.
    let pictures = 0;
    for (let cursor = await actions.index('byCreated').openCursor(null, 'prev'); cursor; cursor = await cursor.continue()) {
      if (cursor.value.screenshot === 'captured' && ++pictures > keepScreenshots) {
        await screenshots.delete(cursor.value.id);
        await cursor.update(await this.chained(tx, withDerived({ ...cursor.value, screenshot: 'pruned' })));
      }
    }
    await tx.done;
    if (removed || pictures > keepScreenshots) this.notices.announce();
    return { removed, stale: false };
  }

  /** Removes every decided action and its picture at the signed `cut`; pending actions stay in the queue. */
  async clearDecided(cut: Checkpoint): Promise<{ removed: number; stale: boolean }> {
    const tx = this.db.transaction(['actions', 'screenshots', 'settings'], 'readwrite');
    if (!(await this.headIs(tx, cut))) {
      await tx.done;
      return { removed: 0, stale: true };
    }
    let removed = 0;
    let kept = 0;
    for (let cursor = await tx.objectStore('actions').openCursor(); cursor; cursor = await cursor.continue()) {
      if (cursor.value.status === 'pending') {
        kept++;
        continue;
      }
      await tx.objectStore('screenshots').delete(cursor.value.id);
      await cursor.delete();
      removed++;
    }
    if (removed) await this.appendCheckpoint(tx, { ...cut, kept });
    await tx.done;
    if (removed) this.notices.announce();
    return { removed, stale: false };
  }

  private async headIs(tx: WriteTx, cut: ChainHead): Promise<boolean> {
    const head = ((await tx.objectStore('settings').get(CHAIN_HEAD)) as ChainHead | undefined) ?? { seq: 0, hash: GENESIS };
    return head.seq === cut.seq && head.hash === cut.hash;
  }

  private async appendCheckpoint(tx: WriteTx, checkpoint: Checkpoint): Promise<void> {
    const settings = tx.objectStore('settings');
    const list = ((await settings.get(CHECKPOINTS)) as Checkpoint[] | undefined) ?? [];
    await settings.put([...list, checkpoint], CHECKPOINTS);
  }

  rules(): Promise<Rule[]> {
    return this.db.getAll('rules');
  }

  async putRule(rule: Rule): Promise<void> {
    await this.db.put('rules', rule);
    this.notices.announce();
  }

  async deleteRule(id: string): Promise<void> {
    await this.db.delete('rules', id);
    this.notices.announce();
  }

  /** Writes every rule or none: one transaction. */
  async putRules(rules: Rule[]): Promise<void> {
    const tx = this.db.transaction('rules', 'readwrite');
    for (const rule of rules) await tx.store.put(rule);
    await tx.done;
    this.notices.announce();
  }

  /** Swaps the whole set of managed rules for the administrator's current list. */
  async replaceManagedRules(rules: Rule[]): Promise<void> {
    const tx = this.db.transaction('rules', 'readwrite');
    for (const rule of await tx.store.getAll()) if (rule.createdBy === 'managed') await tx.store.delete(rule.id);
    for (const rule of rules) await tx.store.put(rule);
    await tx.done;
    this.notices.announce();
  }

  /**
   * Settings are read for every frame's hello and every hold; the worker is their only writer,
   * so they are read from the database once and kept in step by `saveSettings`.
   */
  async settings(): Promise<Settings> {
    this.storedSettings ??= (this.db.get('settings', 'settings') as Promise<Partial<Settings> | undefined>).catch((error: unknown) => {
      this.storedSettings = null;
      throw error;
    });
    return { ...DEFAULT_SETTINGS, ...(await this.storedSettings) };
  }

  async saveSettings(settings: Settings): Promise<void> {
    await this.db.put('settings', settings, 'settings');
    this.storedSettings = Promise.resolve({ ...settings });
    this.notices.announce();
  }

  agentTask(): Promise<AgentTask | null> {
    return this.kept<AgentTask>('agentTask');
  }

  async saveAgentTask(task: AgentTask): Promise<void> {
    await this.keep('agentTask', task);
  }

  agentConfidence(): Promise<AgentConfidence | null> {
    return this.kept<AgentConfidence>('agentConfidence');
  }

  async saveAgentConfidence(confidence: AgentConfidence | null): Promise<void> {
    await this.keep('agentConfidence', confidence);
  }

  /** What the agent's channel sent that was refused, newest last. */
  async channelRefusals(): Promise<ChannelRefusal[]> {
    return (await this.kept<ChannelRefusal[]>('channelRefusals')) ?? [];
  }

  async saveChannelRefusals(refusals: ChannelRefusal[]): Promise<void> {
    await this.keep('channelRefusals', refusals);
  }

  passkey(): Promise<StoredPasskey | null> {
    return this.kept<StoredPasskey>('passkey');
  }

  async savePasskey(key: StoredPasskey | null): Promise<void> {
    await this.keep('passkey', key);
  }

  fatigue(): Promise<FatigueState | null> {
    return this.kept<FatigueState>('fatigue');
  }

  async saveFatigue(state: FatigueState | null): Promise<void> {
    await this.keep('fatigue', state);
  }

  /** Team review settings as stored (secrets included: they never leave the worker); the caller checks them. */
  teamSettings(): Promise<unknown> {
    return this.db.get('settings', 'team');
  }

  async saveTeamSettings(team: object): Promise<void> {
    await this.db.put('settings', team, 'team');
    this.notices.announce();
  }

  /** The reviewer's signing key: the private half is not extractable, even from here. */
  teamKey(): Promise<TeamSigningKey | null> {
    return this.kept<TeamSigningKey>('teamKey');
  }

  async saveTeamKey(key: TeamSigningKey): Promise<void> {
    await this.keep('teamKey', key);
  }

  /** This browser's log key: it signs the chain's checkpoints and the heads exports carry. */
  logKey(): Promise<TeamSigningKey | null> {
    return this.kept<TeamSigningKey>('logKey');
  }

  async saveLogKey(key: TeamSigningKey): Promise<void> {
    await this.keep('logKey', key);
  }

  /** What the last waiting-action post did, for Settings. */
  webhookStatus(): Promise<WebhookStatus | null> {
    return this.kept<WebhookStatus>('webhookStatus');
  }

  async saveWebhookStatus(status: WebhookStatus): Promise<void> {
    await this.keep('webhookStatus', status);
  }

  /** One value kept beside the settings, or null. */
  private async kept<T>(key: string): Promise<T | null> {
    return ((await this.db.get('settings', key)) as T | undefined) ?? null;
  }

  /** Keeps `value` under `key`; null removes it. */
  private async keep(key: string, value: unknown): Promise<void> {
    if (value === null) await this.db.delete('settings', key);
    else await this.db.put('settings', value, key);
    if (!UNSHOWN.has(key)) this.notices.announce();
  }
}
