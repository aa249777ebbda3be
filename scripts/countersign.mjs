#!/usr/bin/env node
// countersign browser: Chromium with Countersign, for an agent to connect to.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { clientSnippets, DEFAULT_PORT, DEFAULT_PROFILE, launchBrowser, LAUNCH_GUARD_MODES } from './launcher.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const USAGE = `Usage: countersign browser [options] [url...]
       countersign mcp [--profile DIR]
       countersign verify FILE [--key KEY]

Starts Chromium with Countersign in a persistent profile, with the DevTools endpoint on
127.0.0.1 for your agent, and prints how each client connects.

Options:
  --port N          DevTools port on 127.0.0.1 (default ${DEFAULT_PORT}; 0 picks a free one)
  --profile DIR     profile folder (default ${DEFAULT_PROFILE})
  --guard MODE      ${LAUNCH_GUARD_MODES.join(' or ')}: "always" guards every tab, for agents that
                    move the real mouse and keyboard (the profile keeps the mode)
  --headless        no window (the default when there is no display)
  --json            print one JSON line instead of the instructions
  -h, --help        this text

countersign mcp serves MCP on stdio for the agent's harness, beside its browser tool server:
the agent asks the person (ask_person), declares its task, reports its confidence and reads
the person's decisions there. It talks to the browser that "countersign browser" started
with the same --profile.

countersign verify checks a JSON or NDJSON export of the history: its hash chain, the signed
head and checkpoints, and the proof of each decision (passkey, team signature). It prints
what holds and where it breaks, and exits 1 when anything does not hold. --key takes the
browser's log key (Settings → The action log's key): an export signed by another key fails.`;

function fail(message) {
  console.error(`countersign: ${message}`);
  process.exit(1);
}

if (typeof WebSocket === 'undefined') {
  // An older Node on the PATH (npx uses it): run again with the Node 22 the project installs.
  const node22 = join(ROOT, 'node_modules', 'node', 'bin', 'node');
  if (!existsSync(node22)) fail(`needs Node 22 or later (this is ${process.version})`);
  const rerun = spawnSync(node22, process.argv.slice(1), { stdio: 'inherit' });
  process.exit(rerun.status ?? 1);
}

const [command, ...rest] = process.argv.slice(2);
if (command === '-h' || command === '--help') {
  console.log(USAGE);
  process.exit(0);
}
if (command === 'mcp') {
  let options;
  try {
    options = parseArgs({ args: rest, options: { profile: { type: 'string', default: DEFAULT_PROFILE } } }).values;
  } catch (error) {
    fail(`${error.message}\n\n${USAGE}`);
  }
  const { runMcp } = await import('./mcp.mjs');
  const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  try {
    await runMcp({ profile: resolve(options.profile), version });
  } catch (error) {
    fail(error.message);
  }
  process.exit(0);
} else if (command === 'verify') {
  let args;
  try {
    args = parseArgs({ args: rest, allowPositionals: true, options: { key: { type: 'string' } } });
  } catch (error) {
    fail(`${error.message}\n\n${USAGE}`);
  }
  if (args.positionals.length !== 1) fail(`verify takes one file\n\n${USAGE}`);
  const { verifyFile } = await import('./verify.mjs');
  let result;
  try {
    result = await verifyFile(args.positionals[0], args.values.key ? { key: args.values.key } : {});
  } catch (error) {
    fail(error.message);
  }
  console.log(result.text);
  process.exit(result.report.ok ? 0 : 1);
} else if (command !== 'browser') fail(`unknown command "${command ?? ''}"\n\n${USAGE}`);

let parsed;
try {
  parsed = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      port: { type: 'string', default: String(DEFAULT_PORT) },
      profile: { type: 'string', default: DEFAULT_PROFILE },
      guard: { type: 'string' },
      headless: { type: 'boolean' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
} catch (error) {
  fail(`${error.message}\n\n${USAGE}`);
}
const { values, positionals } = parsed;
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be a port number, not "${values.port}"`);

const extensionDir = join(ROOT, '.output', 'chrome-mv3');
if (!existsSync(join(extensionDir, 'manifest.json'))) {
  console.error('countersign: building the extension first (once)');
  const build = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  if (build.status !== 0) fail('the build failed');
}

let browser;
try {
  browser = await launchBrowser({
    port,
    profile: resolve(values.profile),
    guard: values.guard,
    headless: values.headless,
    extensionDir,
    urls: positionals,
  });
} catch (error) {
  fail(error.message);
}

if (values.json) {
  const { endpoint, webSocketDebuggerUrl, extensionId, guardMode, profile, browserVersion } = browser;
  console.log(JSON.stringify({ endpoint, webSocketDebuggerUrl, extensionId, guardMode, profile, browserVersion }));
} else {
  const guarded =
    browser.guardMode === 'always'
      ? 'every tab (mode "always")'
      : browser.guardMode === 'automation'
        ? 'tabs an agent drives (mode "automation")'
        : 'nothing: the guard is off in Settings';
  console.log(`Countersign is running in ${browser.browserVersion}.
  DevTools endpoint   ${browser.endpoint}
  WebSocket           ${browser.webSocketDebuggerUrl}
  Guarding            ${guarded}
  Profile             ${browser.profile}
  Review panel        toolbar button, or chrome-extension://${browser.extensionId}/sidepanel.html
`);
  for (const { client, snippet } of clientSnippets(browser.endpoint, browser.profile)) {
    console.log(`${client}:\n${snippet.replace(/^/gm, '  ')}\n`);
  }
  console.log('Close the browser or press Ctrl-C to stop.');
}

const stop = async () => {
  await browser.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
await browser.exited;
process.exit(0);
