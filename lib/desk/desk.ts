import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import * as v from 'valibot';
import { FatigueMonitor } from '@/lib/broker/fatigue';
import { approveTeamCard, gateNow } from '@/lib/broker/approval';
import { Passkeys } from '@/lib/broker/passkey';
import type { ActionStore } from '@/lib/db/store';
import type { DecideReply, TeamQueueState } from '@/lib/messaging/protocol';
import { entryKey, type TeamCard } from '@/lib/team/entry';
import { TeamLink, type ReviewerHost, type ReviewRequest, type TeamState } from '@/lib/team/link';
import { DEFAULT_TEAM, teamProblem, type TeamSettings } from '@/lib/team/settings';
import { keptReviewerKey } from '@/lib/team/signing';
import { refused, REFUSALS } from '@/lib/messaging/refusals';

/** What a person types to sign in; the secrets stay in memory, never in the desk's storage. */
export const signIn = v.object({
  url: v.string(),
  reviewerName: v.pipe(v.string(), v.trim(), v.minLength(1, 'Give your name as a reviewer: the agent browser shows it beside your decisions.'), v.maxLength(200)),
  user: v.optional(v.string(), ''),
  password: v.optional(v.string(), ''),
  nkeySeed: v.optional(v.string(), ''),
  creds: v.optional(v.string(), ''),
});
export type SignIn = v.InferInput<typeof signIn>;

/** What the desk keeps between visits: where and as whom it signed in last. */
export interface DeskProfile {
  url: string;
  reviewerName: string;
}

export interface DeskStatus {
  state: TeamState;
  problem: string | null;
  signedIn: DeskProfile | null;
  /** This desk's signing key, to add as a trusted reviewer in each agent browser. */
  publicKey: string;
  passkey: boolean;
}

export interface DeskEnv {
  /** The page's origin and host: a passkey made here belongs to them. */
  origin: string;
  hostname: string;
  now(): number;
  /** The queue or the connection changed: the page reloads what it shows. */
  changed(): void;
}

/**
 * The reviewer desk: the team queue in a page of its own, in any browser. It is a reviewer
 * only, with the extension's gate, fatigue count and passkey check, and its own Ed25519
 * key (non-extractable, in this origin's IndexedDB) that agent browsers must trust.
 */
export class ReviewDesk {
  readonly link: TeamLink;
  private readonly passkeys: Passkeys;
  private readonly fatigue: FatigueMonitor;
  private profile: DeskProfile | null = null;
  private signing?: Promise<{ privateKey: CryptoKey; publicKey: string }>;

  constructor(
    private readonly store: ActionStore,
    private readonly env: DeskEnv,
  ) {
    this.fatigue = new FatigueMonitor(store, () => env.now());
    this.passkeys = new Passkeys(store, {
      rpID: env.hostname,
      origin: env.origin,
      now: () => env.now(),
      random: (bytes) => crypto.getRandomValues(new Uint8Array(bytes)),
    });
    this.link = new TeamLink({ reviewer: this.reviewer(), changed: () => env.changed(), now: () => env.now() });
  }

  /** Where and as whom this desk signed in last (for the sign-in form). */
  async lastProfile(): Promise<DeskProfile | null> {
    const stored = v.safeParse(v.object({ url: v.string(), reviewerName: v.string() }), await this.store.teamSettings());
    return stored.success ? stored.output : null;
  }

  async status(): Promise<DeskStatus> {
    return {
      state: this.link.state,
      problem: this.link.problem,
      signedIn: this.profile,
      publicKey: (await this.signer()).publicKey,
      passkey: await this.passkeys.registered(),
    };
  }

  /** Connects to the team server as a reviewer; a refusal says what to fix and connects nothing. */
  async signIn(input: SignIn): Promise<DecideReply> {
    const parsed = v.safeParse(signIn, input);
    if (!parsed.success) return { ok: false, error: parsed.issues[0].message };
    const { url, reviewerName, ...secrets } = parsed.output;
    const team: TeamSettings = {
      ...DEFAULT_TEAM,
      ...secrets,
      enabled: true,
      role: 'reviewer',
      url: url.trim(),
      reviewerName,
      // The connection's name on the server: the reviewer's name as a browser name allows it.
      browserName: `desk-${reviewerName.replace(/[^A-Za-z0-9_-]+/g, '-').slice(0, 58)}`,
    };
    // teamProblem checks each server address, as for the extension's settings.
    const problem = teamProblem(team);
    if (problem) return { ok: false, error: problem };
    this.profile = { url: team.url, reviewerName };
    await this.store.saveTeamSettings(this.profile);
    await this.link.configure(team);
    return { ok: true };
  }

  async signOut(): Promise<void> {
    this.profile = null;
    await this.link.configure(DEFAULT_TEAM);
  }

  /** The Team view's requests, answered here as the extension's background answers them. */
  async queue(): Promise<TeamQueueState> {
    const registered = await this.passkeys.registered();
    const fatigue = await this.fatigue.paused();
    return {
      state: this.link.state,
      reviewing: this.link.reviewing,
      reviews: this.link.pendingReviews((card) => registered && card.kind !== 'question'),
      ...(fatigue ? { fatigue } : {}),
    };
  }

  /** The dwell, fatigue and timing settings the cards use: the extension's defaults. */
  settings() {
    return this.store.settings();
  }

  decide(request: ReviewRequest): Promise<DecideReply> {
    return this.link.review(request);
  }

  /** A passkey challenge bound to the agent browser's action and the version this desk shows. */
  async challenge(browser: string, id: string) {
    const review = this.link.reviews.get(entryKey(browser, id));
    if (!review) return { error: REFUSALS.teamGone };
    return this.passkeys.challenge({ kind: 'approve', actionId: entryKey(browser, id), fingerprint: review.entry.card.fingerprint });
  }

  passkeyOptions() {
    return this.passkeys.registrationOptions();
  }

  /** A passkey for this desk; replacing one takes the one registered. */
  async registerPasskey(response: RegistrationResponseJSON, current?: AuthenticationResponseJSON): Promise<DecideReply> {
    const reply = await this.passkeys.register(response, current);
    this.env.changed();
    return reply;
  }

  managementChallenge() {
    return this.passkeys.challenge({ kind: 'manage' });
  }

  /** The gate, the fatigue count and the passkey as the extension's reviewer applies them. */
  private reviewer(): ReviewerHost {
    return {
      approve: (card, seenAt, request, write) =>
        approveTeamCard(card, seenAt, request, write, {
          gate: (record, path, confirmation, approving) => gateNow(this.store, this.fatigue, this.env.now(), { record, path, confirmation, approving }),
          passkey: (_record, answer) => this.passkeyCheck(card, entryKey(request.browser, request.id), answer),
          noteApproval: async (record, dwellMs) => void (await this.fatigue.noteApproval(record, dwellMs, await this.store.settings())),
        }),
      signer: () => this.signer(),
    };
  }

  /**
   * A desk has no way to tell whether software drives the page it runs in, so every approval
   * it signs takes its passkey: without one registered, it approves nothing.
   */
  private async passkeyCheck(card: TeamCard, key: string, answer: AuthenticationResponseJSON | undefined): Promise<DecideReply> {
    if (!(await this.passkeys.registered())) return refused('deskNeedsPasskey');
    return this.passkeys.verify(answer, { kind: 'approve', actionId: key, fingerprint: card.fingerprint });
  }

  private signer(): Promise<{ privateKey: CryptoKey; publicKey: string }> {
    this.signing ??= keptReviewerKey(this.store, this.env.now());
    return this.signing;
  }
}
