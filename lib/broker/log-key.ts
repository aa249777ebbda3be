import { isoBase64URL } from '@simplewebauthn/server/helpers';
import { checkpointBytes, GENESIS, headBytes, type Checkpoint, type SignedHead } from '@/lib/db/chain';
import type { ActionStore } from '@/lib/db/store';
import { generateReviewerKey } from '@/lib/team/signing';

const ED25519 = { name: 'Ed25519' } as const;

/**
 * This browser's log key (Ed25519; the private half cannot be exported): it signs where the
 * chain was cut or began, and the head an export carries. Made once, on first need.
 */
export class LogKey {
  private key?: Promise<{ privateKey: CryptoKey; publicKey: string }>;

  constructor(
    private readonly store: ActionStore,
    private readonly now: () => number,
  ) {}

  async publicKey(): Promise<string> {
    return (await this.pair()).publicKey;
  }

  /** The head as it is now, signed, for a checkpoint. */
  async checkpoint(reason: Checkpoint['reason'], kept?: number): Promise<Checkpoint> {
    const head = reason === 'began' ? null : await this.store.chainHead();
    const unsigned = { seq: head?.seq ?? 0, hash: head?.hash ?? GENESIS, at: this.now(), reason };
    const { signature, key } = await this.sign(checkpointBytes(unsigned));
    return { ...unsigned, ...(kept !== undefined ? { kept } : {}), signature, key };
  }

  /** The head as it is now, signed: what an export's rows are checked against. */
  async signedHead(): Promise<SignedHead> {
    const head = (await this.store.chainHead()) ?? { seq: 0, hash: GENESIS };
    const at = this.now();
    return { ...head, at, ...(await this.sign(headBytes({ ...head, at }))) };
  }

  private async sign(bytes: Uint8Array<ArrayBuffer>): Promise<{ signature: string; key: string }> {
    const { privateKey, publicKey } = await this.pair();
    const signature = new Uint8Array(await crypto.subtle.sign(ED25519, privateKey, bytes));
    return { signature: isoBase64URL.fromBuffer(signature), key: publicKey };
  }

  private pair(): Promise<{ privateKey: CryptoKey; publicKey: string }> {
    this.key ??= (async () => {
      const stored = await this.store.logKey();
      if (stored) return stored;
      const key = { ...(await generateReviewerKey()), createdAt: this.now() };
      await this.store.saveLogKey(key);
      return key;
    })();
    return this.key;
  }
}
