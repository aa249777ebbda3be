#!/usr/bin/env node
// npm run team:server: starts nats-server with team/nats-server.conf for trying team review.
// Options: --port N (client port), --ws-port N (WebSocket), --store DIR (JetStream data).
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

export const TEAM_CONFIG = resolve(import.meta.dirname, '../team/nats-server.conf');

/**
 * The committed configuration with its ports replaced, written where nats-server can read it.
 * `nkeys`: public keys of further users who sign in with an nkey. `operator`: decentralized
 * auth instead of the users (creds files): the operator's JWT, the system account and the
 * accounts' JWTs by public key.
 */
export function teamConfig({ port = 4222, wsPort = 4280, nkeys = [], operator } = {}) {
  let text = readFileSync(TEAM_CONFIG, 'utf8')
    .replace(/^listen: 127\.0\.0\.1:\d+$/m, `listen: 127.0.0.1:${port}`)
    .replace(/^ {2}listen: 127\.0\.0\.1:\d+$/m, `  listen: 127.0.0.1:${wsPort}`)
    .replace(/^ {2}users: \[$/m, (line) => [line, ...nkeys.map((nkey) => `    { nkey: ${nkey} }`)].join('\n'));
  if (operator) {
    const preload = Object.entries(operator.accounts).map(([account, jwt]) => `  ${account}: ${jwt}`);
    const trust = [`operator: ${operator.jwt}`, `system_account: ${operator.systemAccount}`, 'resolver: MEMORY', 'resolver_preload: {', ...preload, '}'];
    text = text.replace(/^authorization \{[\s\S]*?^\}$/m, trust.join('\n'));
  }
  const file = join(mkdtempSync(join(tmpdir(), 'countersign-nats-')), 'nats-server.conf');
  writeFileSync(file, text);
  return file;
}

export function findNatsServer() {
  const path = process.env.NATS_SERVER_PATH ?? 'nats-server';
  const probe = spawnSync(path, ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new Error(`nats-server was not found (${path}). Install it: apt-get install nats-server, or set NATS_SERVER_PATH.`);
  }
  return path;
}

async function freePort() {
  const server = createServer();
  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address();
  await new Promise((done) => server.close(done));
  return port;
}

/**
 * A nats-server with the committed configuration on free ports and its own JetStream data, for
 * tests and the bench: `stop` keeps the data for a `start` again, `close` removes it.
 */
export async function startTeamServer({ nkeys = [], operator } = {}) {
  const [port, wsPort] = [await freePort(), await freePort()];
  const config = teamConfig({ port, wsPort, nkeys, operator });
  const store = mkdtempSync(join(tmpdir(), 'countersign-jetstream-'));
  const binary = findNatsServer();
  let child = null;

  async function start() {
    child = spawn(binary, ['-c', config, '-sd', store], { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    await new Promise((ready, fail) => {
      const timer = setTimeout(() => fail(new Error(`nats-server did not start:\n${log}`)), 10_000);
      child.stderr.on('data', (chunk) => {
        log += chunk.toString();
        if (log.includes('Server is ready')) {
          clearTimeout(timer);
          ready();
        }
      });
      child.once('exit', (code) => fail(new Error(`nats-server exited (${code}):\n${log}`)));
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

async function main() {
  const { values } = parseArgs({
    options: { port: { type: 'string' }, 'ws-port': { type: 'string' }, store: { type: 'string' } },
  });
  const port = Number(values.port ?? 4222);
  const wsPort = Number(values['ws-port'] ?? 4280);
  const store = resolve(values.store ?? join(homedir(), '.countersign', 'team-data'));
  mkdirSync(store, { recursive: true });
  let server;
  try {
    server = findNatsServer();
  } catch (error) {
    console.error(error.message);
    process.exit(1);
  }
  const child = spawn(server, ['-c', teamConfig({ port, wsPort }), '-sd', store], { stdio: ['ignore', 'inherit', 'inherit'] });
  console.log(`Team server: ws://127.0.0.1:${wsPort} (extension), nats://127.0.0.1:${port} (CLI and log shippers)`);
  console.log('Users: agent / agent-local for agent browsers, reviewer / reviewer-local for reviewers.');
  console.log(`JetStream data: ${store}. Ctrl+C stops it.`);
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill('SIGTERM'));
  child.on('exit', (code) => process.exit(code ?? 0));
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
