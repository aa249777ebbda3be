import { verifyAuthenticationResponse } from '@simplewebauthn/server';
import { isoBase64URL } from '@simplewebauthn/server/helpers';
import type { ActionRecord, DecisionProof } from '@/lib/db/schema';
import { challengeFor, fingerprintOf } from '@/lib/broker/passkey';
import { checkDecision } from '@/lib/team/signing';

// Who decided an exported action, checked away from the browser: a passkey answer must sign a
// challenge bound to this action's id and its fingerprint as the row shows it; a team decision
// must be signed by the key it names over this action and that fingerprint.

export type ProofCheck = { ok: true; kind?: 'passkey' | 'team' | 'panel' } | { ok: false; problem: string };

type Row = Record<string, unknown>;

export async function checkProof(row: Row): Promise<ProofCheck> {
  const proof = row.proof as DecisionProof | undefined;
  const fingerprint = () => fingerprintOf(asRecord(row));
  if (proof?.passkey) return checkPasskey(row, proof.passkey, await fingerprint());
  if (proof?.team) {
    const check = await checkDecision(proof.team, { browser: proof.team.browser, id: String(row.id), fingerprint: await fingerprint() }, [proof.team.key]);
    return check.ok ? { ok: true, kind: 'team' } : { ok: false, problem: `the team reviewer’s signature does not hold: ${check.reason}` };
  }
  const byPerson = row.decidedBy === 'person' && (row.outcome === 'approved' || row.outcome === 'edited' || row.outcome === 'answered');
  return { ok: true, ...(byPerson ? { kind: 'panel' as const } : {}) };
}

async function checkPasskey(row: Row, passkey: NonNullable<DecisionProof['passkey']>, fingerprint: string): Promise<ProofCheck> {
  // The options carry the bound challenge as UTF-8 bytes, so the authenticator signs its base64url.
  const expected = isoBase64URL.fromUTF8String(await challengeFor(passkey.nonce, { kind: 'approve', actionId: String(row.id), fingerprint }));
  let signed: unknown;
  try {
    signed = (JSON.parse(isoBase64URL.toUTF8String(passkey.clientDataJSON)) as { challenge?: unknown }).challenge;
  } catch {
    return { ok: false, problem: 'the passkey answer cannot be read' };
  }
  if (signed !== expected) return { ok: false, problem: 'the passkey answer was given for another action, or for this one before it changed' };
  try {
    const verified = await verifyAuthenticationResponse({
      response: {
        id: passkey.credentialId,
        rawId: passkey.credentialId,
        type: 'public-key',
        clientExtensionResults: {},
        response: { authenticatorData: passkey.authenticatorData, clientDataJSON: passkey.clientDataJSON, signature: passkey.signature },
      },
      expectedChallenge: expected,
      expectedOrigin: passkey.origin,
      expectedRPID: [passkey.rpID, passkey.origin],
      credential: { id: passkey.credentialId, publicKey: isoBase64URL.toBuffer(passkey.publicKey), counter: 0 },
      requireUserVerification: true,
    });
    return verified.verified ? { ok: true, kind: 'passkey' } : { ok: false, problem: 'the passkey’s signature does not verify' };
  } catch (error) {
    return { ok: false, problem: `the passkey’s signature does not verify (${error instanceof Error ? error.message : String(error)})` };
  }
}

/** The row read back as the record its fingerprint was taken from (the export keeps every part of it). */
function asRecord(row: Row): ActionRecord {
  const question = row.question as { text: string; options: string[] } | undefined;
  return {
    id: String(row.id),
    kind: row.kind,
    label: row.label,
    form: row.form ?? undefined,
    fields: row.fields,
    amount: row.amount ?? undefined,
    recipients: row.recipients,
    message: row.message ?? undefined,
    items: row.items,
    deliverTo: row.deliverTo,
    alsoSends: row.alsoSends,
    question: question && { text: question.text, ...(question.options.length ? { options: question.options } : {}) },
  } as unknown as ActionRecord;
}
