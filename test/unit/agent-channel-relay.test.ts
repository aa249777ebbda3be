import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startAgentChannel } from '../../scripts/agent-channel.mjs';

type Relay = Awaited<ReturnType<typeof startAgentChannel>>;
let relay: Relay | null = null;
afterEach(async () => {
  await relay?.close();
  relay = null;
});

/** A client of the relay: what it received, in order, and how it was closed. */
function connect(url: string) {
  const socket = new WebSocket(url);
  const received: Record<string, unknown>[] = [];
  const closed = new Promise<number>((done) => (socket.onclose = (event) => done(event.code)));
  const opened = new Promise<void>((done) => (socket.onopen = () => done()));
  socket.onmessage = (event) => received.push(JSON.parse(String(event.data)) as Record<string, unknown>);
  return { socket, received, closed, opened, send: (message: unknown) => socket.send(JSON.stringify(message)) };
}

describe("the agent channel's relay", () => {
  it('writes its address and secret owner-only into the profile', async () => {
    const profile = mkdtempSync(join(tmpdir(), 'relay-'));
    relay = await startAgentChannel(profile);
    expect(JSON.parse(readFileSync(relay.file, 'utf8'))).toEqual({ url: relay.url, secret: relay.secret });
    expect(statSync(relay.file).mode & 0o777).toBe(0o600);
    expect(relay.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
  });

  it('passes an agent’s request to the browser and the reply back to that agent only', async () => {
    relay = await startAgentChannel(mkdtempSync(join(tmpdir(), 'relay-')));
    const browser = connect(relay.url);
    await browser.opened;
    browser.send({ hello: 'browser', secret: relay.secret });
    const [one, two] = [connect(relay.url), connect(relay.url)];
    await Promise.all([one.opened, two.opened]);
    for (const agent of [one, two]) agent.send({ hello: 'agent', secret: relay.secret });
    await expect.poll(() => [browser.received.length, one.received.length, two.received.length]).toEqual([1, 1, 1]);
    one.send({ id: 7, type: 'declare-task', task: 'x' });
    await expect.poll(() => browser.received.length).toBe(2);
    const forwarded = browser.received[1] as { agent: number; request: unknown };
    expect(forwarded.request).toEqual({ id: 7, type: 'declare-task', task: 'x' });
    browser.send({ agent: forwarded.agent, reply: { id: 7, ok: true } });
    await expect.poll(() => one.received.at(-1)).toEqual({ id: 7, ok: true });
    expect(two.received).toEqual([{ welcome: 'agent' }]);
  });

  it('closes a connection without the secret, and answers an agent when no browser is there', async () => {
    relay = await startAgentChannel(mkdtempSync(join(tmpdir(), 'relay-')));
    const stranger = connect(relay.url);
    await stranger.opened;
    stranger.send({ hello: 'browser', secret: 'f'.repeat(64) });
    expect(await stranger.closed).toBe(4401);
    const agent = connect(relay.url);
    await agent.opened;
    agent.send({ hello: 'agent', secret: relay.secret });
    agent.send({ id: 1, type: 'declare-task', task: 'x' });
    await expect.poll(() => agent.received.at(-1)).toMatchObject({ id: 1, error: expect.stringMatching(/not connected/) });
    // Larger than the relay reads: the connection ends before anything is passed on.
    agent.send({ id: 2, type: 'declare-task', task: 'x'.repeat(70_000) });
    expect(await agent.closed).toBe(1009);
  });
});
