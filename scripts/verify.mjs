// countersign verify <file>: checks an exported history (JSON or NDJSON) against the hash chain
// and signatures it carries, and prints what holds and exactly where it breaks. The checks are
// the extension's own (lib/audit/), loaded here as TypeScript.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createJiti } from 'jiti';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The report for one file; `text` is printed as the command prints it. */
export async function verifyFile(file, options = {}) {
  const jiti = createJiti(import.meta.url, { alias: { '@': ROOT } });
  const { verifyExport } = await jiti.import(resolve(ROOT, 'lib/audit/verify.ts'));
  const report = await verifyExport(readFileSync(file, 'utf8'), options);
  return { report, text: reportText(file, report) };
}

export function reportText(file, report) {
  const lines = [];
  const { passkey, team, panel } = report.approvals;
  if (report.ok) lines.push(`${file}: all verified: ${report.verified} of ${report.rows} actions`);
  else lines.push(`${file}: NOT VERIFIED: ${report.problems.length} problem(s); ${report.verified} of ${report.rows} actions check out`);
  for (const { where, what } of report.problems) lines.push(`  ✗ ${where}: ${what}`);
  lines.push(`  decisions with proof: ${passkey} by passkey, ${team} by a team reviewer’s signature; ${panel} approved in the panel, no passkey`);
  for (const note of report.notes) lines.push(`  · ${note}`);
  return lines.join('\n');
}
