import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';

// npm start with no display: the demo plays agent and reviewer; its log is what a new user reads.
test('npm start holds three actions with screenshots, and delivers exactly what the reviewer approved', async () => {
  test.setTimeout(120_000);
  const outDir = mkdtempSync(join(tmpdir(), 'countersign-demo-'));
  const env: NodeJS.ProcessEnv = { ...process.env, DEMO_OUTPUT_DIR: outDir };
  delete env.DISPLAY;
  delete env.WAYLAND_DISPLAY;
  try {
    const demo = spawn(process.execPath, ['scripts/start.mjs', '--no-build'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    let log = '';
    demo.stdout.setEncoding('utf8').on('data', (chunk: string) => (log += chunk));
    const code = await new Promise((done) => demo.once('exit', done));
    expect(code, log).toBe(0);
    expect(log).toContain("3 actions waiting, 3 with a screenshot of the agent's tab");
    expect(log).toContain('server has received 0 requests so far');
    expect(log.match(/server received POST \/shop\/order /g)).toHaveLength(1);
    expect(log.match(/server received POST \/api\/chat\/messages /g)).toHaveLength(1);
    expect(log).not.toContain('server received POST /mail/send');
    expect(log).toContain('Rejected by reviewer: Not to the board, please');
    expect(existsSync(join(outDir, 'queue.png'))).toBe(true);
    expect(existsSync(join(outDir, 'history.png'))).toBe(true);
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
});
