import { isoBase64URL } from '@simplewebauthn/server/helpers';
import { checkpointBytes, GENESIS, headBytes, linkHash, rowDigest, type ChainLink, type Checkpoint, type SignedHead } from '@/lib/db/chain';
import { checkProof, type ProofCheck } from './proofs';

// `countersign verify <file>`: checks a JSON or NDJSON export of the history against the hash
// chain it carries: every row against its last link, every link's hash, the links' order back
// to the signed head and the checkpoints, the order of the rows, and each approval's proof.

export interface Finding {
  /** Where: "row 12 (id …)", "header", "seq 41". */
  where: string;
  what: string;
}

export interface VerifyReport {
  ok: boolean;
  rows: number;
  /** Rows whose every link checks out and whose content is what the chain last recorded. */
  verified: number;
  problems: Finding[];
  /** What holds, and what the file cannot show (a filtered export, rows from before the chain). */
  notes: string[];
  approvals: { passkey: number; team: number; panel: number };
}

interface Header {
  filter?: Record<string, unknown>;
  chain?: { head?: SignedHead; checkpoints?: Checkpoint[] };
}

type Row = Record<string, unknown> & { id?: string; heldAt?: string; chain?: ChainLink[] };

/** A link as found in the file: the action it belongs to and where. */
interface Placed {
  link: ChainLink;
  id: string;
  where: string;
}

const ED25519 = { name: 'Ed25519' } as const;

/** `key`: the log key the auditor expects (Settings → The action log's key); without it the report names the key that signed. */
export async function verifyExport(text: string, { key }: { key?: string } = {}): Promise<VerifyReport> {
  const report: VerifyReport = { ok: false, rows: 0, verified: 0, problems: [], notes: [], approvals: { passkey: 0, team: 0, panel: 0 } };
  const parsed = parseExport(text, report);
  if (!parsed) return finish(report);
  const { header, rows } = parsed;
  report.rows = rows.length;
  const head = header.chain?.head;
  const checkpoints = header.chain?.checkpoints ?? [];
  if (!head) {
    report.problems.push({ where: 'header', what: 'no signed chain head: this export cannot be verified (CSV and evaluation sets carry none)' });
    return finish(report);
  }
  if (!(await signedBy(head.key, head.signature, headBytes(head)))) {
    report.problems.push({ where: 'header', what: 'the signature over the chain head does not match: the head or its signature was replaced' });
  }
  if (key && head.key !== key) report.problems.push({ where: 'header', what: `signed by key ${head.key}, not the expected ${key}: the export was re-signed elsewhere` });
  else report.notes.push(key ? `signed by the expected log key` : `signed by log key ${head.key}: compare it with the key in that browser’s Settings (or pass --key)`);
  for (const [index, checkpoint] of checkpoints.entries()) {
    if (!checkpoint.signature || checkpoint.key !== head.key || !(await signedBy(checkpoint.key, checkpoint.signature, checkpointBytes(checkpoint)))) {
      report.problems.push({ where: `checkpoint ${index + 1} (${checkpoint.reason}, seq ${checkpoint.seq})`, what: 'its signature does not match the browser’s log key' });
    }
  }
  const links = await checkRows(rows, head, report);
  checkLinkage(links, head, checkpoints, isFiltered(header.filter), report);
  checkOrder(rows, report);
  return finish(report);
}

function finish(report: VerifyReport): VerifyReport {
  report.ok = report.problems.length === 0;
  return report;
}

function parseExport(text: string, report: VerifyReport): { header: Header; rows: Row[] } | null {
  const trimmed = text.replace(/^\ufeff/, '').trimStart();
  if (trimmed.startsWith('{"schema"') && trimmed.includes('"actions":[')) {
    try {
      const whole = JSON.parse(trimmed) as Header & { actions: Row[] };
      return { header: whole, rows: whole.actions };
    } catch (error) {
      report.problems.push({ where: 'file', what: `not whole JSON, so truncated or damaged (${error instanceof Error ? error.message : String(error)})` });
      return null;
    }
  }
  const lines = trimmed.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const rows: Row[] = [];
  let header: Header = {};
  for (const [index, line] of lines.entries()) {
    let value: Row;
    try {
      value = JSON.parse(line) as Row;
    } catch {
      report.problems.push({ where: `line ${index + 1}`, what: 'not JSON: the file is truncated or damaged here' });
      continue;
    }
    if (index === 0 && 'schema' in value) header = value as Header;
    else rows.push(value);
  }
  return { header, rows };
}

const isFiltered = (filter: Record<string, unknown> | undefined) => Boolean(filter && Object.keys(filter).length);

const rowName = (row: Row, index: number) => `row ${index + 1} (${String(row.id ?? 'no id').slice(0, 60)})`;

/** Each row is what its last link recorded, and the proof of its decision holds; links are gathered by number. */
async function checkRows(rows: Row[], head: SignedHead, report: VerifyReport): Promise<Map<number, Placed>> {
  const links = new Map<number, Placed>();
  let unchained = 0;
  let afterHead = 0;
  for (const [index, row] of rows.entries()) {
    const where = rowName(row, index);
    const chain = Array.isArray(row.chain) ? row.chain : [];
    if (!chain.length) {
      unchained++;
      continue;
    }
    let sound = true;
    for (const link of chain) {
      const seq = link[0];
      const seen = links.get(seq);
      if (seen) report.problems.push({ where: `seq ${seq}`, what: `claimed by both ${seen.where} and ${where}` });
      else if (seq <= head.seq) links.set(seq, { link, id: String(row.id), where });
    }
    const [lastSeq, , lastDigest] = chain.at(-1)!;
    if (lastSeq > head.seq) afterHead++;
    else if (lastDigest !== rowDigest(row)) {
      report.problems.push({ where, what: 'its content differs from what the chain recorded: a field was changed after the fact' });
      sound = false;
    }
    const proof = await checkProof(row);
    countProof(proof, where, report);
    if (!proof.ok) sound = false;
    if (sound && lastSeq <= head.seq) report.verified++;
  }
  if (unchained) report.notes.push(`${unchained} row(s) have no chain links: held before this browser's chain began, so not covered`);
  if (afterHead) report.notes.push(`${afterHead} row(s) changed while the export was written: their last change is after the signed head and not covered`);
  return links;
}

function countProof(proof: ProofCheck, where: string, report: VerifyReport): void {
  if (!proof.ok) report.problems.push({ where, what: proof.problem });
  else if (proof.kind) report.approvals[proof.kind]++;
}

/**
 * From the last checkpoint to the head, every link is there, and hashing them in order from the
 * checkpoint's hash reaches the signed head. A filtered export lacks the others' links: its rows
 * are checked against their own links only.
 */
function checkLinkage(links: Map<number, Placed>, head: SignedHead, checkpoints: Checkpoint[], filtered: boolean, report: VerifyReport): void {
  const cut = checkpoints.filter((checkpoint) => checkpoint.seq <= head.seq).at(-1) ?? { seq: 0, hash: GENESIS };
  if (filtered) {
    report.notes.push(`a filtered export: each row is checked against its own links, not against the signed head, nor that no row is missing (export it unfiltered for that)`);
    return;
  }
  const missing: number[] = [];
  let hash = cut.hash;
  for (let seq = cut.seq + 1; seq <= head.seq; seq++) {
    const found = links.get(seq);
    if (!found) {
      missing.push(seq);
      continue;
    }
    hash = linkHash(seq, found.link[1], found.id, found.link[2], hash);
  }
  if (missing.length) {
    for (const run of runsOf(missing)) {
      report.problems.push({ where: `seq ${run}`, what: 'change(s) missing after the last checkpoint: a record was removed, or the file cut short' });
    }
  } else if (hash !== head.hash) {
    report.problems.push({
      where: `seq ${cut.seq + 1}–${head.seq}`,
      what: 'the links, hashed in order, do not reach the signed head: a row was changed together with its link, or links were reordered',
    });
  }
  report.notes.push(`the chain from seq ${cut.seq} (${cut.seq ? 'the last checkpoint' : 'its start'}) to seq ${head.seq}, signed ${new Date(head.at).toISOString()}`);
}

/** `3–7`, `9`: consecutive numbers as runs. */
function runsOf(seqs: number[]): string[] {
  const runs: string[] = [];
  let start = seqs[0]!;
  for (let index = 1; index <= seqs.length; index++) {
    if (index < seqs.length && seqs[index] === seqs[index - 1]! + 1) continue;
    const end = seqs[index - 1]!;
    runs.push(start === end ? String(start) : `${start}–${end}`);
    start = seqs[index]!;
  }
  return runs;
}

/** Rows are written newest first: a later row held after an earlier one was moved. */
function checkOrder(rows: Row[], report: VerifyReport): void {
  for (let index = 1; index < rows.length; index++) {
    const before = Date.parse(String(rows[index - 1]!.heldAt));
    const after = Date.parse(String(rows[index]!.heldAt));
    if (after > before) report.problems.push({ where: `${rowName(rows[index - 1]!, index - 1)} and ${rowName(rows[index]!, index)}`, what: 'out of order (rows are newest first): they were moved' });
  }
}

async function signedBy(key: string | undefined, signature: string | undefined, bytes: Uint8Array<ArrayBuffer>): Promise<boolean> {
  if (!key || !signature) return false;
  try {
    const publicKey = await crypto.subtle.importKey('raw', isoBase64URL.toBuffer(key), ED25519, false, ['verify']);
    return await crypto.subtle.verify(ED25519, publicKey, isoBase64URL.toBuffer(signature), bytes);
  } catch {
    return false;
  }
}
