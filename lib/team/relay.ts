import type { KV } from '@nats-io/kv';
import type { Verdict } from '@/lib/actions/types';
import { isSigned, KEPT_REFUSALS, type LocalDecision, type TeamCard, type TeamEntry, type TeamRefusal } from './entry';
import { TeamQueue } from './queue';
import { checkDecision, type SignedDecision } from './signing';

/** A pass that holds an entry longer than this is taken for stuck (the link gives a pass 10 s). */
const SETTLE_LEASE_MS = 15_000;

/** What the relay needs of the agent browser's broker. */
export interface AgentSide {
  /** Pending actions with a card of their own, as the reviewer should see them. */
  pendingCards(): Promise<TeamCard[]>;
  /** How an action stands here: pending, or how it was settled (undefined: unknown here). */
  standing(id: string): Promise<{ status: string; by: string; at: number } | undefined>;
  /** Applies a verified reviewer decision; false when the action was no longer pending. */
  applyDecision(id: string, decision: SignedDecision): Promise<boolean>;
  /** Logs a decision refused (forged, for another card, or too late) on the action's record. */
  logRefusal(id: string, reason: string): Promise<void>;
}

/**
 * The agent browser's side of the team queue: offers what is pending here, applies decisions
 * only from trusted reviewer keys, refuses the rest, and closes entries once settled here.
 * `sync` is idempotent and runs after any change on either side, and after a reconnect.
 */
export class AgentRelay {
  private readonly queue: TeamQueue;
  /** Entries under this browser's name that were not well-formed: ignored, and counted. */
  malformed = 0;
  /** Closed or malformed entries: nothing to do until something writes them again (the watch says). */
  private readonly restingIds = new Set<string>();

  /**
   * `settling`: entries being settled, by id, with since when; shared by the relays of one
   * link, since a pass left behind by a failover may still be running beside the new one.
   * `offered`: actions already offered (kept by the link across failovers).
   */
  constructor(
    private readonly kv: KV,
    private readonly browser: string,
    private readonly trustedKeys: readonly string[],
    private readonly side: AgentSide,
    private readonly settling = new Map<string, number>(),
    private readonly offered = new Set<string>(),
  ) {
    this.queue = new TeamQueue(kv);
  }

  /**
   * `cards`: the pending cards when the caller has just read them. False when an entry was
   * left to another pass still settling it: the caller syncs again shortly.
   */
  async sync(cards?: TeamCard[]): Promise<boolean> {
    cards ??= await this.side.pendingCards();
    await this.offerNew(cards);
    const keys = new Set<string>();
    for await (const key of await this.kv.keys(`${this.browser}.>`)) keys.add(key);
    for (const card of cards) {
      if (!keys.has(`${this.browser}.${card.id}`)) await this.queue.offer(this.entryFor(card)).catch(() => undefined); // raced: next sync
      // A card that changed here (a request joined it) replaces the reviewers' copy while undecided.
      else await this.queue.amend(this.browser, card.id, (entry) => (entry.state === 'pending' && entry.card.fingerprint !== card.fingerprint ? { ...entry, card } : null)).catch(() => undefined);
    }
    let complete = true;
    for (const key of keys) {
      const id = key.slice(this.browser.length + 1);
      if (!this.restingIds.has(id)) complete = (await this.settleAlone(id)) && complete;
    }
    return complete;
  }

  /**
   * New actions first: an offer needs only the stream's leader, while listing the keys waits
   * for the cluster's metadata leader, which a failover may be electing. An offer that fails
   * ends the pass, and the link tries again a second later.
   */
  private async offerNew(cards: TeamCard[]): Promise<void> {
    const pending = new Set(cards.map((card) => card.id));
    for (const id of this.offered) if (!pending.has(id)) this.offered.delete(id);
    for (const card of cards) {
      if (this.offered.has(card.id)) continue;
      await this.queue.offerNew(this.entryFor(card));
      this.offered.add(card.id);
    }
  }

  /** One settle per entry at a time: two passes must not both apply one decision. A lease that outlives SETTLE_LEASE_MS was left by a pass that hangs. */
  private async settleAlone(id: string): Promise<boolean> {
    const now = Date.now();
    const since = this.settling.get(id);
    if (since !== undefined && now - since < SETTLE_LEASE_MS) return false;
    this.settling.set(id, now);
    try {
      await this.settle(id);
      return true;
    } finally {
      if (this.settling.get(id) === now) this.settling.delete(id);
    }
  }

  /** The bucket's watch saw a write: anything but a closed entry is read again. */
  noteWrite(key: string, entry: TeamEntry | null): void {
    if (entry?.state !== 'closed') this.restingIds.delete(key.slice(this.browser.length + 1));
  }

  private entryFor(card: TeamCard): TeamEntry {
    return { v: 1, browser: this.browser, id: card.id, state: 'pending', card };
  }

  /** Brings one entry in line with this browser: the browser's record is the truth. */
  private async settle(id: string): Promise<void> {
    const read = await this.queue.read(this.browser, id);
    if (!read) return;
    const { entry, revision } = read;
    if (!entry) {
      this.malformed++;
      this.restingIds.add(id);
      return;
    }
    if (entry.state === 'closed') return void this.restingIds.add(id);
    const here = await this.side.standing(id);
    if (entry.state === 'decided' && isSigned(entry.decision)) {
      const decision = entry.decision;
      if (here?.status !== 'pending') {
        await this.side.logRefusal(id, `a decision by ${decision.reviewer} arrived after the action was settled here`);
        await this.close(entry, revision, here, 'a reviewer decision arrived after the action was settled here; it was refused');
        return;
      }
      const check = await checkDecision(decision, { browser: this.browser, id, fingerprint: entry.card.fingerprint }, this.trustedKeys);
      if (!check.ok) {
        await this.side.logRefusal(id, `team decision refused: ${check.reason}`);
        // Back to pending, so a trusted reviewer can still decide, with the reason for the one
        // who was refused; lost means someone wrote again.
        await this.queue.replace(withoutDecision(entry, { reviewer: decision.reviewer, reason: check.reason, flaw: check.flaw, at: Date.now() }), revision);
        return;
      }
      const applied = await this.side.applyDecision(id, decision);
      const after = await this.side.standing(id);
      await this.close(entry, revision, after, applied ? undefined : 'the action was settled here first');
      return;
    }
    if (here && here.status !== 'pending') await this.close(entry, revision, here);
  }

  private async close(entry: TeamEntry, revision: number, here: { status: string; by: string; at: number } | undefined, reason?: string) {
    const closed = { status: here?.status ?? 'gone', at: here?.at ?? Date.now(), by: here?.by ?? 'system', ...(reason ? { reason } : {}) };
    if ((await this.queue.replace({ ...entry, state: 'closed', closed }, revision)) === 'lost') await this.settle(entry.id);
  }

  /**
   * Before this browser decides an action itself: takes the entry, unless a reviewer's
   * decision is already there ('lost'). 'absent': not in the queue (or unreachable): decide locally.
   */
  async claim(id: string, verdict: Verdict, by: LocalDecision['by']): Promise<'claimed' | 'lost' | 'absent'> {
    const read = await this.queue.read(this.browser, id);
    if (!read?.entry) return 'absent';
    if (read.entry.state !== 'pending') return read.entry.decision && !isSigned(read.entry.decision) ? 'claimed' : 'lost';
    const decision: LocalDecision = { local: true, verdict, at: Date.now(), by };
    const written = await this.queue.replace({ ...read.entry, state: 'decided', decision }, read.revision);
    return written === 'written' ? 'claimed' : this.claim(id, verdict, by);
  }
}

function withoutDecision(entry: TeamEntry, refusal: TeamRefusal): TeamEntry {
  const pending: TeamEntry = { ...entry, state: 'pending', refused: [...(entry.refused ?? []), refusal].slice(-KEPT_REFUSALS) };
  delete pending.decision;
  return pending;
}
