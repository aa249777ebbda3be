import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { COSEALG, isoBase64URL } from '@simplewebauthn/server/helpers';
import type { ActionRecord, PasskeyProof, PasskeyScope, StoredPasskey } from '@/lib/db/schema';
import { refused, type Refused } from '@/lib/messaging/refusals';
export type { PasskeyProof } from '@/lib/db/schema';

/** A challenge is answered within this time, once. */
const CHALLENGE_TTL_MS = 2 * 60_000;

/** What an answer is for: approving one action as the card showed it, or managing the key itself. */
export type PasskeyPurpose = { kind: 'approve'; actionId: string; fingerprint: string } | { kind: 'manage' };

export type PasskeyCheck = { ok: true; proof?: PasskeyProof } | { ok: false; error: string; refusal?: Refused['refusal'] };

export interface PasskeyStore {
  passkey(): Promise<StoredPasskey | null>;
  savePasskey(key: StoredPasskey | null): Promise<void>;
}

export interface PasskeyEnv {
  /** The extension's id: the relying party of a passkey made on its pages. */
  rpID: string;
  /** `chrome-extension://<id>`: the only origin whose answers count. */
  origin: string;
  now(): number;
  random(bytes: number): Uint8Array<ArrayBuffer>;
}

/**
 * The reviewer's passkey: registered from an extension page with user verification, its public
 * key kept in IndexedDB. Each challenge binds a purpose (an action's id and fingerprint, or
 * managing the key) and a fresh nonce, and is accepted once.
 */
export class Passkeys {
  private readonly issued = new Map<string, { purpose: PasskeyPurpose; expires: number; nonce: string }>();
  private registering: { challenge: string; expires: number } | null = null;

  constructor(
    private readonly store: PasskeyStore,
    private readonly env: PasskeyEnv,
  ) {}

  async registered(): Promise<boolean> {
    return (await this.store.passkey()) !== null;
  }

  async registrationOptions(): Promise<PublicKeyCredentialCreationOptionsJSON> {
    const existing = await this.store.passkey();
    const options = await generateRegistrationOptions({
      rpName: 'Countersign',
      rpID: this.env.rpID,
      userName: 'reviewer',
      userDisplayName: 'Countersign reviewer',
      attestationType: 'none',
      authenticatorSelection: { residentKey: 'preferred', userVerification: 'required' },
      excludeCredentials: existing ? [{ id: existing.credentialId }] : [],
      // Signatures `countersign verify` can check on any Node 22 (post-quantum ML-DSA is not in its WebCrypto).
      supportedAlgorithmIDs: [COSEALG.EdDSA, COSEALG.ES256, COSEALG.RS256],
    });
    this.registering = { challenge: options.challenge, expires: this.env.now() + CHALLENGE_TTL_MS };
    return options;
  }

  /** Registers a key; replacing one needs an answer from the current key. */
  async register(response: RegistrationResponseJSON, current?: AuthenticationResponseJSON): Promise<PasskeyCheck> {
    if (await this.registered()) {
      const allowed = await this.verify(current, { kind: 'manage' });
      if (!allowed.ok) return allowed;
    }
    const pending = this.registering;
    this.registering = null;
    if (!pending || pending.expires < this.env.now()) return refuse('The registration expired: start it again.');
    try {
      const verified = await verifyRegistrationResponse({
        response,
        expectedChallenge: pending.challenge,
        expectedOrigin: this.env.origin,
        expectedRPID: this.expectedRPIDs(),
        requireUserVerification: true,
      });
      if (!verified.verified) return refuse('The passkey could not be registered.');
      const { credential } = verified.registrationInfo;
      await this.store.savePasskey({
        credentialId: credential.id,
        publicKey: isoBase64URL.fromBuffer(credential.publicKey),
        counter: credential.counter,
        createdAt: this.env.now(),
      });
      return { ok: true };
    } catch (error) {
      return refuse(`The passkey could not be registered: ${messageOf(error)}`);
    }
  }

  async remove(current: AuthenticationResponseJSON | undefined): Promise<PasskeyCheck> {
    const allowed = await this.verify(current, { kind: 'manage' });
    if (allowed.ok) await this.store.savePasskey(null);
    return allowed;
  }

  /** Chromium signs an extension's RP ID hash over its whole origin; the spec (and Firefox) over the id. */
  private expectedRPIDs(): string[] {
    return [this.env.rpID, this.env.origin];
  }

  /** A challenge for one purpose: the nonce and what it is for, hashed together. */
  async challenge(purpose: PasskeyPurpose): Promise<PublicKeyCredentialRequestOptionsJSON | { error: string }> {
    const key = await this.store.passkey();
    if (!key) return { error: 'No passkey is registered.' };
    const now = this.env.now();
    for (const [challenge, { expires }] of this.issued) if (expires < now) this.issued.delete(challenge);
    const nonce = isoBase64URL.fromBuffer(this.env.random(32));
    const bound = await challengeFor(nonce, purpose);
    const options = await generateAuthenticationOptions({
      rpID: this.env.rpID,
      challenge: bound,
      allowCredentials: [{ id: key.credentialId }],
      userVerification: 'required',
    });
    this.issued.set(options.challenge, { purpose, expires: now + CHALLENGE_TTL_MS, nonce });
    return options;
  }

  /** Checks an answer against the stored key, for this purpose, once. */
  async verify(response: AuthenticationResponseJSON | undefined, purpose: PasskeyPurpose): Promise<PasskeyCheck> {
    if (!response) return refused('passkeyNeeded');
    const key = await this.store.passkey();
    if (!key) return refused('passkeyMissing');
    let challenge: string;
    try {
      challenge = String((JSON.parse(isoBase64URL.toUTF8String(response.response.clientDataJSON)) as { challenge?: unknown }).challenge);
    } catch {
      return refused('passkeyUnreadable');
    }
    const issued = this.issued.get(challenge);
    this.issued.delete(challenge); // one answer, one use, whatever comes of it
    if (!issued || issued.expires < this.env.now()) return refused('passkeyUsed');
    if (JSON.stringify(issued.purpose) !== JSON.stringify(purpose)) {
      return refused(purpose.kind === 'approve' ? 'passkeyOtherAction' : 'passkeyOtherPurpose');
    }
    try {
      const verified = await verifyAuthenticationResponse({
        response,
        expectedChallenge: challenge,
        expectedOrigin: this.env.origin,
        expectedRPID: this.expectedRPIDs(),
        credential: { id: key.credentialId, publicKey: isoBase64URL.toBuffer(key.publicKey), counter: key.counter },
        requireUserVerification: true,
      });
      if (!verified.verified) return refused('passkeyUnconfirmed');
      await this.store.savePasskey({ ...key, counter: verified.authenticationInfo.newCounter });
      const { authenticatorData, clientDataJSON, signature } = response.response;
      const proof: PasskeyProof = { ...(purpose.kind === 'approve' ? { fingerprint: purpose.fingerprint } : {}), credentialId: key.credentialId, publicKey: key.publicKey, nonce: issued.nonce, rpID: this.env.rpID, origin: this.env.origin, authenticatorData, clientDataJSON, signature };
      return { ok: true, proof };
    } catch (error) {
      return refused('passkeyFailed', { reason: messageOf(error) });
    }
  }
}

/** What the card showed, hashed: an answer for it approves only this, unchanged. */
export function fingerprintOf(record: ActionRecord): Promise<string> {
  return sha256(
    JSON.stringify([
      record.id,
      record.kind,
      record.label,
      record.form ?? null,
      record.fields.map((f) => [f.name, f.value]),
      record.amount ?? null,
      record.recipients ?? [],
      record.message ?? '',
      ...(record.items?.length || record.deliverTo ? [record.items ?? [], record.deliverTo ?? ''] : []),
      // What joined the card since is approved with it, so it is part of what is signed.
      ...(record.alsoSends?.length ? [record.alsoSends] : []),
      ...(record.question ? [record.question.text, record.question.options ?? []] : []),
    ]),
  );
}

/** The challenge an approval's answer signs: a fresh nonce and what it is for, hashed together. */
export function challengeFor(nonce: string, purpose: PasskeyPurpose): Promise<string> {
  return sha256(`${nonce} ${JSON.stringify(purpose)}`);
}

/** Whether approving this action needs the passkey, under the person's and the administrator's scopes. */
export function needsPasskey(record: ActionRecord, scopes: readonly PasskeyScope[], panelDriven: boolean): boolean {
  return scopes.includes('every') || (scopes.includes('high-risk') && record.confirm !== undefined) || (scopes.includes('devtools') && panelDriven);
}

async function sha256(text: string): Promise<string> {
  return isoBase64URL.fromBuffer(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text))));
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function refuse(error: string): PasskeyCheck {
  return { ok: false, error };
}
