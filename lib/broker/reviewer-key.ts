import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import { PASSKEY_SCOPES, type ActionRecord, type PasskeyScope } from '@/lib/db/schema';
import type { ActionStore } from '@/lib/db/store';
import type { DecideReply } from '@/lib/messaging/protocol';
import { fingerprintOf, needsPasskey, Passkeys, type PasskeyCheck } from './passkey';
import { REFUSALS } from '@/lib/messaging/refusals';

export interface ReviewerKeyPlatform {
  readonly extensionId: string;
  extensionPagesDriven(): Promise<boolean>;
  managedPasskeyScopes(): Promise<unknown>;
  now(): number;
}

/**
 * When the reviewer's passkey is needed (the person's scopes, the administrator's, whether a
 * DevTools client drives Countersign's pages), and the checks and key management around it.
 */
export class ReviewerKey {
  private readonly passkeys: Passkeys;

  constructor(
    private readonly store: ActionStore,
    private readonly platform: ReviewerKeyPlatform,
  ) {
    this.passkeys = new Passkeys(store, {
      rpID: platform.extensionId,
      origin: `chrome-extension://${platform.extensionId}`,
      now: () => platform.now(),
      random: (bytes) => crypto.getRandomValues(new Uint8Array(bytes)),
    });
  }

  /** Whether approving this action needs the key; a rule that trusts always does while one exists. */
  async needed(record: ActionRecord, trusting = false): Promise<boolean> {
    if (trusting) return this.passkeys.registered();
    return (await this.requirement()).needs(record);
  }

  /**
   * What decides whether approvals need the key (is one registered, the scopes, is a panel
   * driven), read once, for a whole queue at a time.
   */
  async requirement(): Promise<{ registered: boolean; needs: (record: ActionRecord) => boolean }> {
    if (!(await this.passkeys.registered())) return { registered: false, needs: () => false };
    const [{ scopes }, driven] = await Promise.all([this.scopes(), this.platform.extensionPagesDriven().catch(() => true)]);
    return { registered: true, needs: (record) => needsPasskey(record, scopes, driven) };
  }

  /** The person's scopes and the administrator's, which the person cannot lower. */
  private async scopes(): Promise<{ scopes: PasskeyScope[]; forced: PasskeyScope[] }> {
    const managed = await this.platform.managedPasskeyScopes().catch(() => undefined);
    const forced = Array.isArray(managed) ? PASSKEY_SCOPES.filter((scope) => managed.includes(scope)) : [];
    const own = (await this.store.settings()).passkeyFor;
    return { scopes: [...new Set([...own, ...forced])], forced };
  }

  /** Verifies the answer when one is needed; a refusal stays on the record for the history. */
  async check(record: ActionRecord, answer: AuthenticationResponseJSON | undefined, trusting = false): Promise<PasskeyCheck> {
    if (!(await this.needed(record, trusting))) return { ok: true };
    const check = await this.passkeys.verify(answer, { kind: 'approve', actionId: record.id, fingerprint: await fingerprintOf(record) });
    if (check.ok) return check;
    // Refused attempts stay in the history: an agent trying the panel leaves a trace.
    await this.store.update(record.id, { refusals: [...(record.refusals ?? []), { at: this.platform.now(), reason: check.error }].slice(-20) });
    return check;
  }

  /** A challenge for approving one action as it stands, or (no id) for managing the key. */
  async challenge(id?: string) {
    if (id === undefined) return this.passkeys.challenge({ kind: 'manage' });
    const record = await this.store.get(id);
    if (record?.status !== 'pending') return { error: REFUSALS.alreadyDecided };
    return this.passkeys.challenge({ kind: 'approve', actionId: id, fingerprint: await fingerprintOf(record) });
  }

  /**
   * For a team card: the same requirement as a local card, the answer bound to the agent
   * browser's action and the fingerprint the reviewer saw.
   */
  async checkTeam(card: ActionRecord, key: string, fingerprint: string, answer: AuthenticationResponseJSON | undefined): Promise<DecideReply> {
    if (!(await this.needed(card))) return { ok: true };
    return this.passkeys.verify(answer, { kind: 'approve', actionId: key, fingerprint });
  }

  teamChallenge(key: string, fingerprint: string) {
    return this.passkeys.challenge({ kind: 'approve', actionId: key, fingerprint });
  }

  registrationOptions() {
    return this.passkeys.registrationOptions();
  }

  async status(): Promise<{ registered: boolean; scopes: PasskeyScope[]; forced: PasskeyScope[] }> {
    return { registered: await this.passkeys.registered(), ...(await this.scopes()) };
  }

  async register(response: RegistrationResponseJSON, current?: AuthenticationResponseJSON): Promise<DecideReply> {
    const reply = await this.passkeys.register(response, current);
    return reply;
  }

  async remove(current?: AuthenticationResponseJSON): Promise<DecideReply> {
    const reply = await this.passkeys.remove(current);
    return reply;
  }

  /** With a key registered, a rule that lets anything through takes the key. */
  async trustProof(passkey: AuthenticationResponseJSON | undefined): Promise<DecideReply> {
    if (!(await this.passkeys.registered())) return { ok: true };
    return this.passkeys.verify(passkey, { kind: 'manage' });
  }

  /** Lowering what needs the key takes the key. */
  async setScopes(scopes: PasskeyScope[], current?: AuthenticationResponseJSON): Promise<DecideReply> {
    const settings = await this.store.settings();
    const lowered = settings.passkeyFor.some((scope) => !scopes.includes(scope));
    if (lowered && (await this.passkeys.registered())) {
      const check = await this.passkeys.verify(current, { kind: 'manage' });
      if (!check.ok) return check;
    }
    await this.store.saveSettings({ ...settings, passkeyFor: [...new Set(scopes)] });
    return { ok: true };
  }
}
