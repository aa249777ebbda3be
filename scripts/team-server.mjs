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
export function teamConfig({ port = 4222, wsPort = 4280, nkeys = [], operator, cluster } = {}) {
  let text = readFileSync(TEAM_CONFIG, 'utf8')
    .replace(/^listen: 127\.0\.0\.1:\d+$/m, `listen: 127.0.0.1:${port}`)
    .replace(/^ {2}listen: 127\.0\.0\.1:\d+$/m, `  listen: 127.0.0.1:${wsPort}`)
    .replace(/^ {2}users: \[$/m, (line) => [line, ...nkeys.map((nkey) => `    { nkey: ${nkey} }`)].join('\n'));
  if (operator) {
    const preload = Object.entries(operator.accounts).map(([account, jwt]) => `  ${account}: ${jwt}`);
    const trust = [`operator: ${operator.jwt}`, `system_account: ${operator.systemAccount}`, 'resolver: MEMORY', 'resolver_preload: {', ...preload, '}'];
    text = text.replace(/^authorization \{[\s\S]*?^\}$/m, trust.join('\n'));
  }
  if (cluster) {
    // A node of a loopback cluster: JetStream replicates across the nodes it names in `routes`.
    const routes = cluster.routes.map((route) => `    nats-route://127.0.0.1:${route}`);
    text += ['', `server_name: ${cluster.name}`, 'cluster {', '  name: countersign', `  listen: 127.0.0.1:${cluster.port}`, '  routes: [', ...routes, '  ]', '}', ''].join('\n');
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
export async function startTeamServer({ nkeys = [], operator, cluster } = {}) {
  const [port, wsPort] = [cluster?.clientPort ?? (await freePort()), await freePort()];
  const config = teamConfig({ port, wsPort, nkeys, operator, cluster });
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

  if (!cluster?.deferStart) await start();
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

/**
 * `size` nodes on loopback, routed to each other, JetStream on each: a cluster, for tests and
 * `npm run team:server -- --cluster 3`. The nodes start together (JetStream waits for a quorum).
 */
export async function startTeamCluster(size = 3) {
  const clusterPorts = await Promise.all(Array.from({ length: size }, freePort));
  const nodes = await Promise.all(
    clusterPorts.map((port, index) =>
      startTeamServer({ cluster: { name: `countersign-${index + 1}`, port, routes: clusterPorts.filter((other) => other !== port), deferStart: true } }),
    ),
  );
  await Promise.all(nodes.map((node) => node.start()));
  await jetStreamReady(nodes[0].wsUrl);
  return {
    nodes,
    wsUrls: nodes.map((node) => node.wsUrl),
    close: () => Promise.all(nodes.map((node) => node.close())),
  };
}

/** A cluster's JetStream answers once its nodes have elected a leader: until then, ask again. */
async function jetStreamReady(wsUrl) {
  const { wsconnect } = await import('@nats-io/nats-core');
  const { jetstreamManager } = await import('@nats-io/jetstream');
  const connection = await wsconnect({ servers: wsUrl, user: 'agent', pass: 'agent-local' });
  try {
    for (let tries = 0; ; tries++) {
      try {
        await jetstreamManager(connection, { timeout: 1000 });
        return;
      } catch (error) {
        if (tries >= 30) throw new Error(`the cluster's JetStream did not answer: ${error.message}`, { cause: error });
        await new Promise((done) => setTimeout(done, 500));
      }
    }
  } finally {
    await connection.close();
  }
}

async function main() {
  const { values } = parseArgs({
    options: { port: { type: 'string' }, 'ws-port': { type: 'string' }, store: { type: 'string' }, cluster: { type: 'string' } },
  });
  const port = Number(values.port ?? 4222);
  const wsPort = Number(values['ws-port'] ?? 4280);
  const store = resolve(values.store ?? join(homedir(), '.countersign', 'team-data'));
  const size = Number(values.cluster ?? 1);
  if (!Number.isInteger(size) || size < 1 || size > 9) {
    console.error('--cluster takes the number of nodes, 1 to 9');
    process.exit(1);
  }
  let server;
  try {
    server = findNatsServer();
  } catch (error) {
    console.error(error.message);
    process.exit(1);
  }
  // Node i listens on the given ports plus i; in a cluster, routes on 6222 plus i.
  const nodes = Array.from({ length: size }, (_, index) => ({ port: port + index, wsPort: wsPort + index, clusterPort: 6222 + index }));
  const children = nodes.map((node, index) => {
    const cluster = size > 1 ? { name: `countersign-${index + 1}`, port: node.clusterPort, routes: nodes.filter((other) => other !== node).map((other) => other.clusterPort) } : undefined;
    const data = size > 1 ? join(store, `node-${index + 1}`) : store;
    mkdirSync(data, { recursive: true });
    return spawn(server, ['-c', teamConfig({ port: node.port, wsPort: node.wsPort, cluster }), '-sd', data], { stdio: ['ignore', 'inherit', 'inherit'] });
  });
  const wsUrls = nodes.map((node) => `ws://127.0.0.1:${node.wsPort}`);
  console.log(`Team server${size > 1 ? ` (a cluster of ${size}; give the extension all of them)` : ''}: ${wsUrls.join(',')} (extension), ${nodes.map((node) => `nats://127.0.0.1:${node.port}`).join(',')} (CLI and log shippers)`);
  console.log('Users: agent / agent-local for agent browsers, reviewer / reviewer-local for reviewers.');
  console.log(`JetStream data: ${store}. Ctrl+C stops it.`);
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => children.forEach((child) => child.kill('SIGTERM')));
  let running = children.length;
  for (const child of children) child.on('exit', (code) => --running === 0 && process.exit(code ?? 0));
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
