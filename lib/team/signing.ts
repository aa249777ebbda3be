import { isoBase64URL } from '@simplewebauthn/server/helpers';
import type { DecisionStatement, SignedDecision } from '@/lib/db/schema';
export type { DecisionStatement, SignedDecision } from '@/lib/db/schema';

const ED25519 = { name: 'Ed25519' } as const;

/** The bytes signed: a fixed order, so the same statement always signs the same. */
function statementBytes(statement: DecisionStatement): Uint8Array<ArrayBuffer> {
  const { browser, id, fingerprint, verdict, at, note = '', edits = [], answer } = statement;
  // An answer is its own kind of statement: no decision's bytes can be read as one.
  const fields =
    answer === undefined
      ? ['countersign-decision/1', browser, id, fingerprint, verdict, at, note, edits.map(({ index, value }) => [index, value])]
      : ['countersign-answer/1', browser, id, fingerprint, verdict, at, note, answer];
  return new TextEncoder().encode(JSON.stringify(fields));
}

export async function generateReviewerKey(): Promise<{ privateKey: CryptoKey; publicKey: string }> {
  const pair = (await crypto.subtle.generateKey(ED25519, false, ['sign', 'verify'])) as CryptoKeyPair;
  return { privateKey: pair.privateKey, publicKey: isoBase64URL.fromBuffer(new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey))) };
}

/** The reviewer key kept in a store: made once, on first need; the private half cannot be read out. */
export async function keptReviewerKey(
  store: { teamKey(): Promise<{ privateKey: CryptoKey; publicKey: string } | null>; saveTeamKey(key: { privateKey: CryptoKey; publicKey: string; createdAt: number }): Promise<void> },
  now: number,
): Promise<{ privateKey: CryptoKey; publicKey: string }> {
  const stored = await store.teamKey();
  if (stored) return stored;
  const key = { ...(await generateReviewerKey()), createdAt: now };
  await store.saveTeamKey(key);
  return key;
}

export async function signDecision(
  statement: DecisionStatement,
  reviewer: { name: string; privateKey: CryptoKey; publicKey: string },
): Promise<SignedDecision> {
  const signature = new Uint8Array(await crypto.subtle.sign(ED25519, reviewer.privateKey, statementBytes(statement)));
  return { ...statement, reviewer: reviewer.name, key: reviewer.publicKey, signature: isoBase64URL.fromBuffer(signature) };
}

/** Why a decision may not decide this action, by name (the reviewer's panel says it in its language) and in English. */
export const DECISION_FLAWS = {
  untrustedKey: 'signed by a key this browser does not trust',
  otherAction: 'made for another action',
  otherVersion: 'made for a different version of this action',
  badSignature: 'the signature does not match',
  unreadableSignature: 'the signature could not be read',
} as const;
export type DecisionFlaw = keyof typeof DECISION_FLAWS;

export type DecisionCheck = { ok: true } | { ok: false; flaw: DecisionFlaw; reason: string };

const flawed = (flaw: DecisionFlaw): DecisionCheck => ({ ok: false, flaw, reason: DECISION_FLAWS[flaw] });

/**
 * Whether a decision found in the team queue may decide this action: signed by a key this
 * browser was configured with, over this browser, this action and what its card showed.
 */
export async function checkDecision(
  decision: SignedDecision,
  expected: { browser: string; id: string; fingerprint: string },
  trustedKeys: readonly string[],
): Promise<DecisionCheck> {
  if (!trustedKeys.includes(decision.key)) return flawed('untrustedKey');
  if (decision.browser !== expected.browser || decision.id !== expected.id) return flawed('otherAction');
  if (decision.fingerprint !== expected.fingerprint) return flawed('otherVersion');
  try {
    const key = await crypto.subtle.importKey('raw', isoBase64URL.toBuffer(decision.key), ED25519, false, ['verify']);
    const valid = await crypto.subtle.verify(ED25519, key, isoBase64URL.toBuffer(decision.signature), statementBytes(decision));
    return valid ? { ok: true } : flawed('badSignature');
  } catch {
    return flawed('unreadableSignature');
  }
}
