import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

// Conventions a reviewer would otherwise have to remember: every approval passes one path
// (lib/broker/approval.ts), and only lib/broker/decisions.ts writes a decision.

const ROOT = join(__dirname, '../..');
const SOURCES = ['lib', 'components', 'entrypoints', 'desk'];

function sourceFiles(): { path: string; text: string }[] {
  const files: { path: string; text: string }[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.tsx?$/.test(entry.name)) files.push({ path: relative(ROOT, path), text: readFileSync(path, 'utf8') });
    }
  };
  for (const source of SOURCES) walk(join(ROOT, source));
  return files;
}

/** The files whose code matches `pattern` (comments left out). */
function filesMatching(pattern: RegExp): string[] {
  return sourceFiles()
    .filter(({ text }) => pattern.test(text.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '')))
    .map(({ path }) => path)
    .sort();
}

describe('conventions', () => {
  it('finds the source files it checks', () => {
    expect(sourceFiles().map(({ path }) => path)).toContain('lib/broker/decisions.ts');
  });

  it('lets the store announce its writes: only what memory alone holds calls changed() by hand', () => {
    // The agent's cached task and confidence, a resumed tab, the team link's reviews, and the broker itself.
    expect(filesMatching(/\b(this|deps|broker|host)\.changed\(\)/)).toEqual([
      'lib/broker/agent-context.ts',
      'lib/broker/broker.ts',
      'lib/broker/hold-pipeline.ts',
      'lib/broker/team.ts',
      'lib/team/link.ts',
    ]);
  });

  it('leaves the low-level decision (write and deliver) to lib/broker/decisions.ts', () => {
    expect(filesMatching(/\bdeliverDecision\s*\(/)).toEqual(['lib/broker/decisions.ts']);
  });

  it('writes an approved status only in lib/broker/decisions.ts', () => {
    expect(filesMatching(/status:\s*[^,}\n]*'approved'/)).toEqual(['lib/broker/decisions.ts']);
  });

  it('calls the approval gate only in the approving path’s own module, where approveThrough runs it', () => {
    expect(filesMatching(/\bapprovalGate\s*\(/)).toEqual(['lib/broker/approval.ts', 'lib/broker/gate.ts']);
    expect(readFileSync(join(ROOT, 'lib/broker/approval.ts'), 'utf8')).toMatch(/\bapproveThrough\s*\(/);
  });

  it('keeps lib/team off the panel protocol, which imports team types: the two never import each other', () => {
    expect(sourceFiles().filter(({ path, text }) => path.startsWith('lib/team/') && text.includes("'@/lib/messaging/protocol'")).map(({ path }) => path)).toEqual([]);
  });
});
