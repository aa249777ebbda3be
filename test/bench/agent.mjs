// The agent's own side, timed end to end: from `ask_person` (the SDK's MCP client, over stdio to
// `countersign mcp`, the relay and the worker) to the question's card drawn in the open panel, and
// from the click on an answer to `ask_person` returning it.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { startAgentChannel } from '../../scripts/agent-channel.mjs';

/** `Date.now()` in the panel when the question's card can be answered (its options enabled). */
const answerable = (panel, question) =>
  panel.evaluate(
    (text) =>
      new Promise((done) => {
        const ready = () =>
          [...document.querySelectorAll('article.kind-question')].some(
            (card) => card.textContent.includes(text) && card.querySelector('button.option:not([disabled])'),
          );
        if (ready()) return done(Date.now());
        const observer = new MutationObserver(() => {
          if (!ready()) return;
          observer.disconnect();
          done(Date.now());
        });
        observer.observe(document.body, { childList: true, subtree: true, attributes: true });
      }),
    question,
  );

/** Clicks the question's second option in the panel; `Date.now()` just before the click. */
const clickSecondOption = (panel, question) =>
  panel.evaluate((text) => {
    const card = [...document.querySelectorAll('article.kind-question')].find((article) => article.textContent.includes(text));
    const at = Date.now();
    card.querySelector('button.option[data-key="2"]').click();
    return at;
  }, question);

/** `count` questions, one at a time, after one to warm up; the profile gets the channel file, as a launch writes it. */
export async function askPersonLatency({ context, panel, profile, count }) {
  const channel = await startAgentChannel(profile);
  const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
  await worker.evaluate((config) => globalThis.countersignLaunch(null, config), { url: channel.url, secret: channel.secret });
  const client = new Client({ name: 'bench-agent', version: '1.0.0' });
  await client.connect(new StdioClientTransport({ command: process.execPath, args: ['scripts/countersign.mjs', 'mcp', '--profile', profile] }));
  const toCard = [];
  const toReturn = [];
  try {
    for (let i = 0; i <= count; i++) {
      const question = `Bench question ${i}: go on?`;
      const seen = answerable(panel, question);
      const askedAt = Date.now();
      const asking = client.callTool({ name: 'ask_person', arguments: { question, options: ['Yes', 'No'] } });
      const cardAt = await seen;
      const clickedAt = await clickSecondOption(panel, question);
      const result = await asking;
      const returnedAt = Date.now();
      const text = result.content[0]?.text;
      if (text !== 'The person answered: No') throw new Error(`ask_person returned ${JSON.stringify(text)}`);
      if (i === 0) continue; // the first starts the MCP process's connection and the panel's card code
      toCard.push(cardAt - askedAt);
      toReturn.push(returnedAt - clickedAt);
    }
  } finally {
    await client.close();
    await channel.close();
  }
  return { toCard, toReturn };
}
