import { describe, expect, it } from 'vitest';
import { parseChannelConfig } from '@/lib/agent/channel';
import { parseAgentRequest } from '@/lib/agent/requests';

describe("the agent's channel", () => {
  it('reads a task declaration, all or nothing', () => {
    expect(parseAgentRequest({ id: 1, type: 'declare-task', task: 'buy a cable', constraints: 'under 20 EUR' })).toEqual({
      ok: true,
      request: { id: 1, type: 'declare-task', task: 'buy a cable', constraints: 'under 20 EUR' },
    });
    expect(parseAgentRequest({ id: 2, type: 'declare-task', task: '' })).toMatchObject({ ok: false, error: /malformed declare-task/ });
    expect(parseAgentRequest({ id: 3, type: 'declare-task', task: 'x'.repeat(2001) })).toMatchObject({ ok: false });
    expect(parseAgentRequest({ id: 4, type: 'declare-task', task: 'x', verdict: 'approve' })).toMatchObject({ ok: false }); // no extra fields
  });

  it.each(['decide', 'approve', 'team-decide', 'always', 'allow-endpoint', 'set-settings', 'save-rule', 'reveal', 'grant', 'passkey-register'])(
    'refuses "%s" by name: the channel cannot decide, change rules or settings, or read masked values',
    (type) => {
      const parsed = parseAgentRequest({ id: 9, type, id2: 'x' });
      expect(parsed).toMatchObject({ ok: false, id: 9 });
      expect(!parsed.ok && parsed.error).toMatch(/cannot send .*only a person decides/);
    },
  );

  it('reads a request for decisions, with or without a time to start from', () => {
    expect(parseAgentRequest({ id: 'a', type: 'get-decisions' })).toEqual({ ok: true, request: { id: 'a', type: 'get-decisions' } });
    expect(parseAgentRequest({ id: 'b', type: 'get-decisions', since: 1_796_000_000_000 })).toMatchObject({ ok: true });
    expect(parseAgentRequest({ id: 'c', type: 'get-decisions', since: -1 })).toMatchObject({ ok: false });
    expect(parseAgentRequest({ id: 'd', type: 'get-decisions', since: 0, includeMasked: true })).toMatchObject({ ok: false });
  });

  it('says what it does not know, whatever arrives', () => {
    for (const value of [null, 'declare-task', 42, [], { type: 7 }, { type: 'hello' }]) expect(parseAgentRequest(value).ok).toBe(false);
  });

  it('takes only a loopback relay and a 256-bit secret from a launch', () => {
    const secret = 'a'.repeat(64);
    expect(parseChannelConfig({ url: 'ws://127.0.0.1:41234', secret })).toEqual({ url: 'ws://127.0.0.1:41234', secret });
    expect(parseChannelConfig({ url: 'ws://evil.example:80', secret })).toBeNull();
    expect(parseChannelConfig({ url: 'wss://127.0.0.1:1', secret })).toBeNull();
    expect(parseChannelConfig({ url: 'ws://127.0.0.1:1', secret: 'short' })).toBeNull();
    expect(parseChannelConfig(undefined)).toBeNull();
  });
});
