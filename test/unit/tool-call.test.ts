import { Window as HappyWindow } from 'happy-dom';
import { describe, expect, it } from 'vitest';
import { editedArgs, NO_CURRENCY, toolAmount, toolArgText, toolFields, toolKind, toolMessage, toolWords } from '@/lib/actions/tool-call';
import type { Offer } from '@/lib/intercept/hook-channel';
import { TOOL_EVENT } from '@/lib/intercept/hook-events';
import { TOOL_RUN_FRAMES, toolRunIn, wrapToolRegistry } from '@/lib/intercept/tool-hook';
import type { RequestDecision } from '@/lib/messaging/frames';

describe('reading a WebMCP tool call for the card', () => {
  it('reads snake_case and camelCase names as words, and the kind from the name, then the description', () => {
    expect(toolWords('transfer_money')).toBe('transfer money');
    expect(toolWords('deleteAccount')).toBe('delete account');
    expect(toolKind({ name: 'transfer_money', description: '' })).toBe('purchase');
    expect(toolKind({ name: 'delete_account', description: '' })).toBe('delete');
    expect(toolKind({ name: 'send_message', description: '' })).toBe('send');
    expect(toolKind({ name: 'do_it', description: 'Place the order and pay with the saved card' })).toBe('purchase');
    // Benign words in a tool's name do not make it harmless: it is still a submission.
    expect(toolKind({ name: 'search_flights', description: 'Search flights' })).toBe('submit');
  });

  it('shows the arguments as fields named from the schema, with secrets masked by name or format', () => {
    const fields = toolFields(
      { to: 'GB33BUKB20201555555555', amount: 950, pin: '4711', otp: '123456', card: '4242 4242 4242 4242', note: { a: 1 } },
      { properties: { to: { title: 'Payee IBAN' }, otp: { format: 'password' } } },
    );
    expect(fields.map((field) => [field.label, field.value, field.masked ?? false])).toEqual([
      ['Payee IBAN', 'GB33BUKB20201555555555', false],
      ['amount', '950', false],
      ['pin', '••••••', true],
      ['otp', '••••••', true],
      ['card', '•••• 4242', true],
      ['note', '{"a":1}', false],
    ]);
    expect(toolArgText({ a: 1, pin: '4711' }, 1)).toBe('4711'); // "Reveal" reads the whole value
    expect(toolArgText({ a: 1 }, 5)).toBeUndefined();
  });

  it('reads the amount from an argument named so, in the currency another names, and says when none is named', () => {
    expect(toolAmount({ amount: 950, currency: 'eur' })).toEqual({ value: 950, currency: 'EUR', text: '950 EUR' });
    expect(toolAmount({ total: '€1.299,00' })).toMatchObject({ value: 1299, currency: 'EUR' });
    expect(toolAmount({ amount: '12.5' })).toEqual({ value: 12.5, currency: NO_CURRENCY, text: '12.5 (no currency given)' });
    expect(toolAmount({ amount: 'a lot' })).toBeUndefined();
    expect(toolAmount({ nickname: 'Bills' })).toBeUndefined();
    expect(toolMessage({ to: 'a@b.example', message: 'hello' })).toBe('hello');
  });

  it('applies edits as the types the schema declares, and passes text that is not one for the tool to refuse', () => {
    const args = { to: 'x', amount: 950, urgent: false, lines: [1] };
    const schema = { properties: { amount: { type: 'number' }, urgent: { type: 'boolean' }, lines: { type: 'array' } } };
    expect(editedArgs(args, schema, [{ index: 1, value: '900' }, { index: 2, value: 'true' }, { index: 3, value: '[1,2]' }])).toEqual({
      to: 'x',
      amount: 900,
      urgent: true,
      lines: [1, 2],
    });
    expect(editedArgs(args, schema, [{ index: 1, value: 'nine hundred' }])).toMatchObject({ amount: 'nine hundred' });
    expect(args.amount).toBe(950); // the held arguments are not changed in place
  });
});

/** A page's tool registry as Chromium offers it, recording what the browser was given. */
function pageWithRegistry() {
  const happy = new HappyWindow({ url: 'https://bank.example/' });
  const registered: { execute: (input: unknown, client: unknown) => unknown }[] = [];
  class ModelContext {
    registerTool(tool: { execute: (input: unknown, client: unknown) => unknown }) {
      registered.push(tool);
      return Promise.resolve();
    }
  }
  Object.assign(happy, { ModelContext });
  const win = happy as unknown as Window & typeof globalThis;
  const offers: { type: string; detail: Record<string, unknown>; resume: (decision: RequestDecision) => void }[] = [];
  let holding = true;
  const offer: Offer = (type, detail, resume) => {
    offers.push({ type, detail: detail as Record<string, unknown>, resume });
    return holding;
  };
  wrapToolRegistry(win, offer);
  return { registry: new ModelContext(), registered, offers, stopHolding: () => (holding = false) };
}

describe('the tool registry hook', () => {
  it('asks before the page’s code runs, then runs it once with the approved arguments', async () => {
    const { registry, registered, offers } = pageWithRegistry();
    const runs: unknown[] = [];
    await registry.registerTool({
      name: 'transfer_money',
      description: 'Send money',
      annotations: { readOnlyHint: false, consequentialHint: true },
      execute: (input: unknown) => {
        runs.push(input);
        return 'sent';
      },
    } as never);
    const result = registered[0]!.execute({ amount: 950 }, {});
    expect(offers).toHaveLength(1);
    expect(offers[0]).toMatchObject({ type: TOOL_EVENT, detail: { name: 'transfer_money', consequential: true, readOnly: false, input: { amount: 950 } } });
    expect(runs).toEqual([]);
    offers[0]!.resume({ nonce: 'n', verdict: 'approve', input: { amount: 900 }, reviewed: true });
    await expect(result).resolves.toBe('sent');
    expect(runs).toEqual([{ amount: 900 }]);
  });

  it('fails a refused call with the reviewer’s words and never runs the page’s code', async () => {
    const { registry, registered, offers } = pageWithRegistry();
    let ran = false;
    await registry.registerTool({ name: 'close_account', description: '', execute: () => (ran = true) } as never);
    const result = registered[0]!.execute({}, {});
    offers[0]!.resume({ nonce: 'n', verdict: 'reject', message: 'Rejected by reviewer: keep it' });
    await expect(result).rejects.toThrow('Rejected by reviewer: keep it');
    expect(ran).toBe(false);
  });

  it('runs the tool as written when nothing holds it (the guard is off)', async () => {
    const { registry, registered, stopHolding } = pageWithRegistry();
    stopHolding();
    await registry.registerTool({ name: 'get_price', description: '', execute: (input: unknown) => input } as never);
    await expect(registered[0]!.execute({ sku: 'A1' }, {})).resolves.toEqual({ sku: 'A1' });
  });

  it('names the run in the call stack of what the tool sends, after an await too', async () => {
    const { registry, registered, offers } = pageWithRegistry();
    const stacks: string[] = [];
    await registry.registerTool({
      name: 'export_statement',
      description: '',
      execute: async () => {
        stacks.push(String(new Error().stack));
        await new Promise((done) => setTimeout(done, 5));
        stacks.push(String(new Error().stack));
      },
    } as never);
    const result = registered[0]!.execute({}, {});
    offers[0]!.resume({ nonce: 'n', verdict: 'approve', reviewed: false });
    await result;
    expect(stacks.map(toolRunIn)).toEqual(['unreviewed', 'unreviewed']);
    expect(toolRunIn(`Error\n    at async Object.${TOOL_RUN_FRAMES.approved} (chrome-extension://x/y.js:1:2)`)).toBe('approved');
    expect(toolRunIn('Error\n    at tick (https://bank.example/app.js:3:4)')).toBeNull();
  });
});
