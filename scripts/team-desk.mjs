#!/usr/bin/env node
// npm run team:desk: serves the reviewer desk (.output/desk, built by npm run build:desk) on
// this machine. Options: --port N (4380), --host H (localhost). The desk is static files: on a
// real deployment any web server with HTTPS serves them.
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';

export const DESK_DIR = resolve(import.meta.dirname, '../.output/desk');

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml', '.png': 'image/png' };
// The page's own meta policy says the same; a header also covers framing.
const HEADERS = {
  'Content-Security-Policy': "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src ws: wss:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-cache',
};

/** Serves the built desk; resolves with its address. Passkeys need a host name: `localhost`, not 127.0.0.1. */
export async function serveDesk({ dir = DESK_DIR, port = 0, host = 'localhost' } = {}) {
  const root = resolve(dir);
  const server = createServer(async (request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://desk').pathname);
    const file = resolve(root, `.${path.endsWith('/') ? `${path}index.html` : path}`);
    if (request.method !== 'GET' || !file.startsWith(root + sep)) return void response.writeHead(404).end();
    try {
      const body = await readFile(file);
      response.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', ...HEADERS }).end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  await new Promise((listening) => server.listen(port, host === 'localhost' ? '127.0.0.1' : host, listening));
  return {
    url: `http://${host}:${server.address().port}/`,
    close: () => new Promise((closed) => server.close(closed)),
  };
}

async function main() {
  const { values } = parseArgs({ options: { port: { type: 'string' }, host: { type: 'string' } } });
  try {
    await readFile(resolve(DESK_DIR, 'index.html'));
  } catch {
    console.error('The desk is not built: run npm run build:desk (npm run team:desk builds it first).');
    process.exit(1);
  }
  const desk = await serveDesk({ port: Number(values.port ?? 4380), host: values.host ?? 'localhost' });
  console.log(`Reviewer desk: ${desk.url} (sign in with the team server's address, e.g. ws://127.0.0.1:4280, user reviewer / reviewer-local).`);
  console.log('Add the desk’s key to each agent browser’s trusted reviewers (Settings → Team review). Ctrl+C stops it.');
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
