import { spawn, spawnSync } from 'node:child_process';
import { expect } from './fixtures';

/** An X display of its own (Xvfb chooses a free number), closed afterwards. */
export async function startXvfb(): Promise<{ display: string; stop(): void }> {
  for (const tool of ['Xvfb', 'xdotool']) {
    expect(spawnSync('sh', ['-c', `command -v ${tool}`]).status, `${tool} is needed: apt-get install xvfb xdotool`).toBe(0);
  }
  const xvfb = spawn('Xvfb', ['-displayfd', '3', '-screen', '0', '1280x900x24', '-nolisten', 'tcp'], {
    stdio: ['ignore', 'ignore', 'ignore', 'pipe'],
  });
  const number = await new Promise<string>((done, fail) => {
    let text = '';
    xvfb.stdio[3]!.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes('\n')) done(text.trim());
    });
    xvfb.once('exit', (code) => fail(new Error(`Xvfb exited (${code})`)));
  });
  return { display: `:${number}`, stop: () => xvfb.kill() };
}
