import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from './fixtures';

/** `npm run browser` running in a fresh profile, with what it printed. */
export interface Launched {
  output: string;
  endpoint: string;
  profile: string;
  stop(): Promise<void>;
}

/** Runs the launcher's command line and waits for its instructions. */
export async function startLauncher(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Launched> {
  const profile = mkdtempSync(join(tmpdir(), 'countersign-launcher-'));
  const child = spawn(process.execPath, ['scripts/countersign.mjs', 'browser', '--profile', profile, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env,
  });
  let output = '';
  let errors = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (errors += chunk));
  const exited = new Promise<number | null>((done) => child.once('exit', done));
  await Promise.race([
    expect.poll(() => output, { timeout: 20_000 }).toContain('press Ctrl-C to stop'),
    exited.then((code) => {
      throw new Error(`the launcher exited (${code}): ${errors}`);
    }),
  ]);
  const endpoint = /DevTools endpoint\s+(\S+)/.exec(output)?.[1];
  expect(endpoint, output).toBeTruthy();
  return {
    output,
    endpoint: endpoint!,
    profile,
    async stop() {
      child.kill('SIGINT');
      await exited;
      rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
    },
  };
}
