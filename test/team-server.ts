import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// @ts-expect-error plain JS module shared with npm run team:server
import { findNatsServer, teamConfig } from '../scripts/team-server.mjs';

export interface TeamServer {
  wsUrl: string;
  natsUrl: string;
  /** Stops the server, keeping its JetStream data for a restart. */
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

export const AGENT = { user: 'agent', pass: 'agent-local' } as const;
export const REVIEWER = { user: 'reviewer', pass: 'reviewer-local' } as const;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

/** A real nats-server with the committed team configuration, on free ports and its own data. */
export async function startTeamServer(): Promise<TeamServer> {
  const [port, wsPort] = [await freePort(), await freePort()];
  const config = teamConfig({ port, wsPort }) as string;
  const store = mkdtempSync(join(tmpdir(), 'countersign-jetstream-'));
  const binary = findNatsServer() as string;
  let child: ChildProcess | null = null;

  async function start() {
    child = spawn(binary, ['-c', config, '-sd', store], { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    await new Promise<void>((ready, fail) => {
      const timer = setTimeout(() => fail(new Error(`nats-server did not start:\n${log}`)), 10_000);
      child!.stderr!.on('data', (chunk: Buffer) => {
        log += chunk.toString();
        if (log.includes('Server is ready')) {
          clearTimeout(timer);
          ready();
        }
      });
      child!.once('exit', (code) => fail(new Error(`nats-server exited (${code}):\n${log}`)));
    });
  }

  async function stop() {
    const running = child;
    child = null;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((done) => running.once('exit', done));
    running.kill('SIGTERM');
    await exited;
  }

  await start();
  return {
    wsUrl: `ws://127.0.0.1:${wsPort}`,
    natsUrl: `nats://127.0.0.1:${port}`,
    stop,
    start,
    async close() {
      await stop();
      rmSync(store, { recursive: true, force: true });
    },
  };
}
