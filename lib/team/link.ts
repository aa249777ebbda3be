import { credsAuthenticator, nanos, nkeyAuthenticator, wsconnect, type ConnectionOptions, type NatsConnection } from '@nats-io/nats-core';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { Objm, type ObjectStore } from '@nats-io/obj';
import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import type { ActionRecord } from '@/lib/db/schema';
import type { FieldEdit, Verdict } from '@/lib/actions/types';
import type { DecideReply } from '@/lib/messaging/refusals';
import { entryKey, isSigned, PENDING_BUCKET, type TeamCard, type TeamEntry, type TeamReview } from './entry';
import { ensureLogStream, LogPublisher } from './log';
import { TeamQueue } from './queue';
import { AgentRelay, type AgentSide } from './relay';
import { actsAsAgent, actsAsReviewer, serverList, teamProblem, type TeamSettings } from './settings';
import { signDecision, type SignedDecision } from './signing';
import { refused } from '@/lib/messaging/refusals';

export const SCREENSHOT_BUCKET = 'countersign_screenshots';
/** Entries live a day at most: longer than any action may wait (timeoutSeconds ≤ 86,400). */
const ENTRY_TTL_MS = 24 * 60 * 60 * 1000;
/** A local decision waits this long for the queue before going ahead without it. */
const CLAIM_WAIT_MS = 1500;
/** A sync pass that has not finished by then is taken for stuck, and tried again after SYNC_RETRY_MS. */
const SYNC_PASS_MS = 10_000;
const SYNC_RETRY_MS = 1000;
/** Opening the queue failed on a live connection: try again after this long. */
const RESTART_MS = 250;
/**
 * How long a JetStream API request may wait. A cluster that lost the node leading its
 * metadata answers nothing until it elects another (a few seconds): short tries, repeated,
 * find the new leader sooner than one long wait.
 */
const JS_API_TIMEOUT_MS = 1500;
/** A reviewer's decision cut off by a failover is tried again, once the queue is open, for this long. */
const DECISION_WAIT_MS = 20_000;
/** Queue updates within this time reach the panels as one change. */
const CHANGE_BATCH_MS = 16;

export type TeamState = 'off' | 'connecting' | 'online' | 'offline';

/** What the agent browser's broker supplies beyond the relay's needs. */
export interface AgentHost extends AgentSide {
  /** Actions whose history may have changed: published to the log unless already published. */
  logRecords(): Promise<ActionRecord[]>;
  screenshot(id: string): Promise<Blob | undefined>;
}

/** What the reviewer's side supplies: the same approving path as local cards, and its signing key. */
export interface ReviewerHost {
  /**
   * Approves a team card (or answers a question) through this reviewer's gate (the dwell from
   * `seenAt`), passkey and fatigue count; `write` signs the decision and writes it to the queue.
   */
  approve(card: TeamCard, seenAt: number, request: ReviewRequest, write: () => Promise<DecideReply>): Promise<DecideReply>;
  signer(): Promise<{ privateKey: CryptoKey; publicKey: string }>;
}

export interface TeamHost {
  /** Absent where this code only ever reviews (the reviewer desk). */
  agent?: AgentHost;
  reviewer: ReviewerHost;
  /** The queue or the connection changed: panels reload. */
  changed(): void;
  now(): number;
}

/** A pending entry as this reviewer's browser holds it, with when it first saw it (its dwell starts there). */
export interface Review {
  entry: TeamEntry;
  revision: number;
  seenAt: number;
}

export interface ReviewRequest {
  browser: string;
  id: string;
  verdict: Verdict;
  /** What the reviewer's card showed: a decision is for that version only. */
  fingerprint: string;
  note?: string;
  edits?: FieldEdit[];
  confirmation?: string;
  dwellMs?: number;
  passkey?: AuthenticationResponseJSON;
  /** The answer to an agent's question (with `approve`). */
  answer?: string;
}

/**
 * This browser's connection to the team queue: as an agent browser it relays held actions and
 * publishes the log; as a reviewer it watches every browser's pending actions. The connection
 * retries for ever; while it is down, local review goes on untouched.
 */
export class TeamLink {
  state: TeamState = 'off';
  problem: string | null = null;
  /** Pending entries from every agent browser, by key (reviewer role). */
  readonly reviews = new Map<string, Review>();
  /** Writes seen by this reviewer that were not well-formed entries (key@revision): ignored, and counted. */
  private readonly malformedWrites = new Set<string>();
  private connection?: NatsConnection;
  private generation = 0;
  private settings?: TeamSettings;
  private queue?: TeamQueue;
  private relay?: AgentRelay;
  private log?: LogPublisher;
  private screenshots?: ObjectStore;
  private readonly published = new Map<string, string>();
  private readonly offeredScreenshots = new Set<string>();
  private readonly seenAt = new Map<string, number>();
  private stopWatching: (() => void)[] = [];
  private syncing = false;
  private changeTimer?: ReturnType<typeof setTimeout>;
  private syncAgain = false;
  /** Which sync is current: one left behind by a reconnect ends without touching the state. */
  private syncRun = 0;
  /** Entries a relay is settling: a pass left behind and the current one never settle one together. */
  private readonly settling = new Map<string, number>();
  private laterTimer?: ReturnType<typeof setTimeout>;
  /** The queue being opened again, and whether to open it once more after. */
  private starting?: Promise<void>;
  private startAgain = false;
  /** The connection the streams were created (or found) on. */
  private madeOn?: NatsConnection;
  /** The queue is open on the current connection: the relay may sync, before the watches are back. */
  private queueOpen = false;
  /** Actions this browser has offered since it was configured: offered again only if missing. */
  private readonly offered = new Set<string>();

  constructor(private readonly host: TeamHost) {}

  /** The address of the node in use, while online. */
  get server(): string | undefined {
    return this.state === 'online' ? this.connection?.getServer() : undefined;
  }

  /** Whether this browser reviews, as last configured (read on every panel load: no I/O). */
  get reviewing(): boolean {
    return this.settings !== undefined && actsAsReviewer(this.settings);
  }

  get malformed(): number {
    return (this.relay?.malformed ?? 0) + this.malformedWrites.size;
  }

  /** (Re)connects with these settings; off or unusable settings close the connection. */
  async configure(team: TeamSettings): Promise<void> {
    const generation = ++this.generation;
    await this.disconnect();
    this.settings = team;
    this.problem = teamProblem(team);
    if (!team.enabled || this.problem) return this.setState('off');
    this.setState('connecting');
    void this.connect(team, generation);
  }

  private async connect(team: TeamSettings, generation: number): Promise<void> {
    let connection: NatsConnection;
    try {
      connection = await wsconnect({
        servers: serverList(team.url),
        name: `countersign ${team.browserName}`,
        waitOnFirstConnect: true,
        reconnect: true,
        maxReconnectAttempts: -1,
        reconnectTimeWait: 1000,
        ...credentials(team),
      });
    } catch (error) {
      if (generation !== this.generation) return;
      this.problem = `The team server refused the connection: ${messageOf(error)}`;
      return this.setState('offline');
    }
    if (generation !== this.generation) return void connection.close();
    this.connection = connection;
    void this.followStatus(team, connection, generation);
    await this.start(team, connection, generation);
  }

  private async followStatus(team: TeamSettings, connection: NatsConnection, generation: number): Promise<void> {
    for await (const status of connection.status()) {
      if (generation !== this.generation) return;
      if (status.type === 'disconnect') {
        this.queueOpen = false;
        this.setState('offline');
      }
      // A cluster that lost a node may have lost the watches' consumers with it (they live on
      // one node): open the queue afresh, as after a reconnect.
      if (status.type === 'reconnect' || (status.type === 'update' && status.deleted?.length)) this.restart(team, connection, generation);
    }
  }

  /** Opens the queue again, once at a time: a reconnect and a topology change often come together. */
  private restart(team: TeamSettings, connection: NatsConnection, generation: number): void {
    if (this.starting) {
      this.startAgain = true;
      return;
    }
    this.starting = (async () => {
      do {
        this.startAgain = false;
        await this.start(team, connection, generation);
      } while (this.startAgain && generation === this.generation);
      this.starting = undefined;
    })();
  }

  /**
   * Opens the bucket, the log and the pictures, syncs, and starts the watches: at connect and
   * after a failover. The old watches run until new ones are made (a failover may have spared
   * their consumers, and making one waits for the cluster's metadata leader, which the failover
   * may be electing); the relay's offers need only the stream's leader, so it syncs first.
   */
  private async start(team: TeamSettings, connection: NatsConnection, generation: number): Promise<void> {
    const previous = this.stopWatching;
    this.stopWatching = [];
    try {
      const js = jetstream(connection, { timeout: JS_API_TIMEOUT_MS });
      const replicas = replicasFor(connection);
      // Once made on this connection, the streams are bound to, not looked up: after a node
      // dies, a lookup waits for the cluster to elect a new metadata leader; writes and watches
      // need only the streams' own leaders.
      const made = this.madeOn === connection;
      const kv = made
        ? await new Kvm(js).open(PENDING_BUCKET, { bindOnly: true })
        : await new Kvm(js).create(PENDING_BUCKET, { history: 5, ttl: ENTRY_TTL_MS, replicas });
      const queue = new TeamQueue(kv);
      this.queue = queue;
      this.screenshots = made
        ? await new Objm(js).open(SCREENSHOT_BUCKET, false)
        : await new Objm(js).create(SCREENSHOT_BUCKET, { ttl: nanos(ENTRY_TTL_MS), replicas });
      const agent = actsAsAgent(team) ? this.host.agent : undefined;
      if (agent) {
        this.relay = new AgentRelay(kv, team.browserName, team.trustedReviewers.map((reviewer) => reviewer.key), agent, this.settling, this.offered);
        if (!made) await ensureLogStream(await jetstreamManager(connection, { timeout: JS_API_TIMEOUT_MS }), replicas);
        this.log = new LogPublisher(js, team.browserName);
      }
      if (generation !== this.generation) return void previous.forEach((stop) => stop());
      this.madeOn = connection;
      this.queueOpen = true;
      // A sync cut off by the lost connection may never settle (a key listing waits on its old
      // consumer): leave it behind, and sync afresh on the new connection.
      this.syncRun++;
      this.syncing = false;
      this.sync();
      if (agent) {
        this.stopWatching.push(
          await queue.watch(team.browserName, (key, read) => {
            this.relay?.noteWrite(key, read?.entry ?? null);
            this.sync();
          }),
        );
      }
      // The cards stay through a reopen, so their dwell goes on: the watch delivers every
      // entry's latest write again (a decided one's too), and that brings each up to date.
      if (actsAsReviewer(team)) this.stopWatching.push(await queue.watch('*', (key, read) => this.seen(key, read)));
      for (const stop of previous.splice(0)) stop();
      if (generation !== this.generation) return;
      this.problem = null;
      this.setState('online');
    } catch (error) {
      // The old watches go on until a start succeeds.
      this.stopWatching.push(...previous);
      if (generation !== this.generation) return;
      this.problem = `The team queue could not be opened: ${messageOf(error)}`;
      this.setState('offline');
      // On a cluster that just lost a node, the queue's stream elects a new leader: try again.
      if (!connection.isClosed()) setTimeout(() => generation === this.generation && this.restart(team, connection, generation), RESTART_MS);
    }
  }

  private seen(key: string, read: { entry: TeamEntry | null; revision: number } | null): void {
    // Once per write: a watch started again after a reconnect delivers the same entries again.
    if (read && !read.entry) this.malformedWrites.add(`${key}@${read.revision}`);
    if (read?.entry?.state === 'pending') {
      const seenAt = this.seenAt.get(key) ?? this.host.now();
      this.seenAt.set(key, seenAt);
      this.reviews.set(key, { entry: read.entry, revision: read.revision, seenAt });
    } else {
      this.reviews.delete(key);
      if (read?.entry) this.seenAt.delete(key);
    }
    this.changedSoon();
  }

  /** A watch delivers entries one by one (hundreds at a connect): panels hear of them together. */
  private changedSoon(): void {
    if (this.changeTimer) return;
    this.changeTimer = setTimeout(() => {
      this.changeTimer = undefined;
      this.host.changed();
    }, CHANGE_BATCH_MS);
  }

  /** Something changed here or in the queue: bring the queue and the log up to date (coalesced). */
  sync(): void {
    if (!this.relay || !this.queueOpen) return;
    if (this.syncing) {
      this.syncAgain = true;
      return;
    }
    this.syncing = true;
    const run = ++this.syncRun;
    void (async () => {
      do {
        this.syncAgain = false;
        try {
          await withTimeout(this.syncPass(), SYNC_PASS_MS);
        } catch {
          // Offline mid-way (the reconnect syncs again), or a pass that hangs on a node that
          // went away: leave it behind and try again shortly.
          if (run !== this.syncRun) return;
          this.syncRun++;
          this.syncing = false;
          setTimeout(() => this.sync(), SYNC_RETRY_MS);
          return;
        }
      } while (this.syncAgain && this.queueOpen && run === this.syncRun);
      if (run === this.syncRun) this.syncing = false;
    })();
  }

  /** Pictures first (a reviewer who sees the entry can fetch its picture at once), then the entries, then the log. */
  private async syncPass(): Promise<void> {
    const { agent } = this.host;
    const { relay, log, screenshots, settings } = this;
    if (!agent || !relay || !log || !screenshots || !settings) return;
    const cards = await agent.pendingCards();
    await this.offerScreenshots(agent, screenshots, settings.browserName, cards);
    // An entry another pass was still settling is looked at again once that pass is done.
    if (!(await relay.sync(cards))) this.syncLater();
    await this.publishLog(agent, log);
  }

  private syncLater(): void {
    if (this.laterTimer) return;
    this.laterTimer = setTimeout(() => {
      this.laterTimer = undefined;
      this.sync();
    }, SYNC_RETRY_MS);
  }

  private async offerScreenshots(agent: AgentHost, screenshots: ObjectStore, browserName: string, cards: TeamCard[]): Promise<void> {
    for (const card of cards) {
      if (!card.screenshot || this.offeredScreenshots.has(card.id)) continue;
      const blob = await agent.screenshot(card.id);
      if (blob) await screenshots.putBlob({ name: entryKey(browserName, card.id) }, new Uint8Array(await blob.arrayBuffer()));
      this.offeredScreenshots.add(card.id);
    }
  }

  private async publishLog(agent: AgentHost, log: LogPublisher): Promise<void> {
    for (const record of await agent.logRecords()) {
      const change = LogPublisher.changeOf(record);
      if (this.published.get(record.id) === change) continue;
      await log.publish(record);
      this.published.set(record.id, change);
    }
  }

  /**
   * Before this browser decides one of its actions itself. 'lost': a reviewer decided first
   * (the relay applies that). Unreachable or slow: 'absent', and the local decision goes ahead.
   */
  async claim(id: string, verdict: Verdict): Promise<'claimed' | 'lost' | 'absent'> {
    if (!this.relay || this.state !== 'online') return 'absent';
    const relay = this.relay;
    const timeout = new Promise<'absent'>((resolve) => setTimeout(() => resolve('absent'), CLAIM_WAIT_MS));
    const outcome = await Promise.race([relay.claim(id, verdict, 'person').catch(() => 'absent' as const), timeout]);
    if (outcome === 'lost') this.sync();
    return outcome;
  }

  /**
   * A reviewer's decision: through the gate, signed, and written only over the entry it saw.
   * Right after a failover it waits for the queue to reopen rather than fail.
   */
  async review(request: ReviewRequest): Promise<DecideReply> {
    const key = entryKey(request.browser, request.id);
    const review = this.reviews.get(key);
    if (!review) return refused('teamGone');
    if (request.edits?.length && review.entry.card.trigger === 'request') {
      return refused('requestNotEditable');
    }
    const asked = review.entry.card.kind === 'question';
    if (request.verdict === 'approve' && asked !== (request.answer !== undefined)) {
      return refused(asked ? 'questionIsAnswered' : 'onlyQuestionsAnswered');
    }
    const write = () => this.writeSigned(request, asked);
    return request.verdict === 'approve' ? this.host.reviewer.approve(review.entry.card, review.seenAt, request, write) : write();
  }

  /** Signs the decision and writes it over the pending entry, across a failover's reopen. */
  private async writeSigned(request: ReviewRequest, asked: boolean): Promise<DecideReply> {
    const signer = await this.host.reviewer.signer();
    const decision = await signDecision(
      {
        browser: request.browser,
        id: request.id,
        fingerprint: request.fingerprint,
        verdict: request.verdict,
        at: this.host.now(),
        ...(request.note ? { note: request.note } : {}),
        ...(request.edits?.length ? { edits: request.edits } : {}),
        ...(asked && request.verdict === 'approve' ? { answer: request.answer } : {}),
      },
      { name: this.settings?.reviewerName || this.settings?.browserName || 'reviewer', ...signer },
    );
    try {
      return await this.acrossReopen((queue) => writeDecision(queue, decision));
    } catch (error) {
      return refused('teamUnconfirmed', { reason: messageOf(error) });
    }
  }

  /** Queue work cut off by a failover, tried again until the queue answers or DECISION_WAIT_MS pass. */
  private async acrossReopen<T>(work: (queue: TeamQueue) => Promise<T>): Promise<T> {
    const deadline = Date.now() + DECISION_WAIT_MS;
    for (;;) {
      try {
        if (this.queue) return await work(this.queue);
      } catch (error) {
        if (Date.now() >= deadline) throw error;
      }
      if (Date.now() >= deadline) throw new Error('the queue is not open');
      await new Promise((done) => setTimeout(done, RESTART_MS));
    }
  }

  /** The queue as a reviewer's view lists it, oldest first; `needsPasskey` as this reviewer's scopes say. */
  pendingReviews(needsPasskey: (card: TeamCard, seenAt: number) => boolean): TeamReview[] {
    return [...this.reviews.values()]
      .map(({ entry, seenAt }) => ({
        browser: entry.browser,
        card: entry.card,
        seenAt,
        needsPasskey: needsPasskey(entry.card, seenAt),
        ...(entry.refused?.length ? { refused: entry.refused } : {}),
      }))
      .sort((a, b) => a.seenAt - b.seenAt);
  }

  /** The card's picture from the team's object store, as a data URL for an image. */
  async picture(browser: string, id: string): Promise<{ url: string } | { error: string }> {
    const bytes = (await this.screenshots?.getBlob(entryKey(browser, id)).catch(() => null)) ?? null;
    if (!bytes) return { error: 'The team queue has no picture of this action.' };
    let binary = '';
    for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    const type = bytes[0] === 0xff && bytes[1] === 0xd8 ? 'image/jpeg' : 'image/png';
    return { url: `data:${type};base64,${btoa(binary)}` };
  }

  private setState(state: TeamState): void {
    this.state = state;
    this.host.changed();
  }

  private stopWatches(): void {
    for (const stop of this.stopWatching) stop();
    this.stopWatching = [];
  }

  private async disconnect(): Promise<void> {
    this.stopWatches();
    this.reviews.clear();
    this.offered.clear();
    this.queueOpen = false;
    this.relay = undefined;
    this.queue = undefined;
    this.log = undefined;
    const connection = this.connection;
    this.connection = undefined;
    await connection?.close().catch(() => undefined);
  }

  close(): Promise<void> {
    this.generation++;
    return this.disconnect();
  }
}

/** On a cluster, the queue, the pictures and the log keep three copies (fewer on a smaller cluster): a node may die. */
function replicasFor(connection: NatsConnection): number {
  const nodes = connection.info?.cluster ? (connection.info.connect_urls?.length ?? 1) : 1;
  return Math.max(1, Math.min(3, nodes));
}

/** User and password, an nkey seed, or a creds file; nothing when the server needs none. */
function credentials(team: TeamSettings): Partial<ConnectionOptions> {
  if (team.creds) return { authenticator: credsAuthenticator(new TextEncoder().encode(team.creds)) };
  if (team.nkeySeed) return { authenticator: nkeyAuthenticator(new TextEncoder().encode(team.nkeySeed)) };
  if (team.user) return { user: team.user, pass: team.password };
  return {};
}

/** Writes a signed decision over the pending entry it was made for; a try that landed before its answer was lost counts as written. */
async function writeDecision(queue: TeamQueue, decision: SignedDecision): Promise<DecideReply> {
  const current = await queue.read(decision.browser, decision.id);
  const there = current?.entry?.decision;
  if (there && isSigned(there) && there.signature === decision.signature) return { ok: true };
  if (current?.entry?.state !== 'pending') return refused('teamAlreadyDecided');
  if (current.entry.card.fingerprint !== decision.fingerprint) return refused('teamChanged');
  const written = await queue.replace({ ...current.entry, state: 'decided', decision }, current.revision);
  return written === 'lost' ? refused('teamLost') : { ok: true };
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, fail) => (timer = setTimeout(() => fail(new Error('timed out')), ms)));
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

