import { sha256 } from '@noble/hashes/sha2.js';
import canonicalize from 'canonicalize';
import { exportedAction } from './exported';
import type { ActionRecord } from './schema';

// The hash chain over the history: every change of an action's exported form appends a link
// whose hash covers the previous link's hash, the action and a digest of its new state. Links
// live on their record (`record.chain`), so an export carries them with the rows; the head
// (last sequence number and hash) is kept beside the settings. Pure and synchronous: it runs
// inside the IndexedDB transaction that writes the record.

export const CHAIN_VERSION = 'countersign-chain/1';
/** The `prev` of the first link ever made in a browser. */
export const GENESIS = 'genesis';

/**
 * One change: its sequence number, when it was written (ms since the epoch) and the SHA-256 of
 * the action's exported form after it (RFC 8785 JSON, without `chain` and `screenshot`). Short,
 * since every row carries its links: the link's hash and the one before it are recomputed by
 * whoever checks, from the links in order.
 */
export type ChainLink = [seq: number, at: number, digest: string];

export interface ChainHead {
  seq: number;
  hash: string;
}

/**
 * Where the chain was cut (retention, Clear history) or began (the upgrade that added it):
 * the head then, signed by the browser's log key. Kept for ever.
 */
export interface Checkpoint extends ChainHead {
  at: number;
  reason: 'began' | 'retention' | 'cleared';
  /** Records that remained after the cut (at `began`: records held before the chain, with no links). Not signed. */
  kept?: number;
  /** Ed25519 over `checkpointBytes`, base64url, by `key` (raw public key, base64url). */
  signature?: string;
  key?: string;
}

const encoder = new TextEncoder();
const base64url = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const hashOf = (value: unknown) => base64url(sha256(encoder.encode(canonicalize(value)!)));

/** The exported form without what the chain cannot cover: itself, and a picture only JSON exports carry. */
export function chainedForm(form: Record<string, unknown>): Record<string, unknown> {
  const rest = { ...form };
  delete rest.chain;
  delete rest.screenshot;
  return rest;
}

export function stateDigest(record: ActionRecord): string {
  // Through JSON first, as an export writes it: a verifier reading the file hashes the same values.
  return hashOf(chainedForm(JSON.parse(JSON.stringify(exportedAction(record))) as Record<string, unknown>));
}

/** The digest of a row as an export or the log stream wrote it: what a verifier recomputes. */
export function rowDigest(row: Record<string, unknown>): string {
  return hashOf(chainedForm(row));
}

/** The chain's hash after a link: over the hash before it, the link and the action it belongs to. */
export function linkHash(seq: number, at: number, id: string, digest: string, prev: string): string {
  return hashOf([CHAIN_VERSION, seq, at, id, digest, prev]);
}

/** The record with its next link, or as it is when its exported form did not change. */
export function linked(record: ActionRecord, head: ChainHead | null, at: number): { record: ActionRecord; head: ChainHead | null } {
  const digest = stateDigest(record);
  if (record.chain?.at(-1)?.[2] === digest) return { record, head };
  const seq = (head?.seq ?? 0) + 1;
  const hash = linkHash(seq, at, record.id, digest, head?.hash ?? GENESIS);
  return { record: { ...record, chain: [...(record.chain ?? []), [seq, at, digest]] }, head: { seq, hash } };
}

/** The bytes a checkpoint's signature covers. */
export function checkpointBytes(checkpoint: Pick<Checkpoint, 'seq' | 'hash' | 'at' | 'reason'>): Uint8Array<ArrayBuffer> {
  const { seq, hash, at, reason } = checkpoint;
  return encoder.encode(canonicalize(['countersign-checkpoint/1', seq, hash, at, reason])!) as Uint8Array<ArrayBuffer>;
}

/** What an export's signature covers: the chain's head when the export began, and when that was. */
export interface SignedHead extends ChainHead {
  at: number;
  key: string;
  signature: string;
}

export function headBytes(head: ChainHead & { at: number }): Uint8Array<ArrayBuffer> {
  return encoder.encode(canonicalize(['countersign-head/1', head.seq, head.hash, head.at])!) as Uint8Array<ArrayBuffer>;
}

/** What lets `countersign verify` check an export: the chain's head when it began, signed, and every checkpoint. */
export interface ExportAudit {
  head: SignedHead;
  checkpoints: Checkpoint[];
}

export interface RecordsCheck {
  verified: number;
  /** Held before the chain began: no links to check. */
  unchained: number;
  /** Entries whose content is not what their last link recorded. */
  altered: { id: string; label: string }[];
}

/**
 * The History view's check of what it has loaded: each record's content is what its last link
 * recorded. (That the links run unbroken to a signed head, `countersign verify` checks on an export.)
 */
export function checkRecords(records: readonly ActionRecord[]): RecordsCheck {
  const check: RecordsCheck = { verified: 0, unchained: 0, altered: [] };
  for (const record of records) {
    const last = record.chain?.at(-1);
    if (!last) check.unchained++;
    else if (!matchesLastLink(record, last[2])) check.altered.push({ id: record.id, label: record.label });
    else check.verified++;
  }
  return check;
}

/** Each record read is digested once: the History view checks its loaded pages again at every scroll. */
const checked = new WeakMap<ActionRecord, boolean>();

function matchesLastLink(record: ActionRecord, digest: string): boolean {
  let matches = checked.get(record);
  if (matches === undefined) {
    matches = digest === stateDigest(record);
    checked.set(record, matches);
  }
  return matches;
}
