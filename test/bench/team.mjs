// Team review: how fast an agent browser's held action reaches a reviewer's panel, and how the
// reviewer's queue copes with a fleet of agent browsers (Node clients offering entries).
import { wsconnect } from '@nats-io/nats-core';
import { Kvm } from '@nats-io/kv';
import { startTeamCluster, startTeamServer } from '../../scripts/team-server.mjs';
import { cardTimes, clickInvite, send } from './pages.mjs';

const TEAM_ACTIONS = 30;
const FLEET_BROWSERS = 50;
const FLEET_ACTIONS = 10;
const FIRST_CARD_RUNS = 15;
const FAILOVER_RUNS = 5;
const AGENT = { user: 'agent', password: 'agent-local' };
const REVIEWER = { user: 'reviewer', password: 'reviewer-local' };


async function online(panel) {
  for (let i = 0; i < 200; i++) {
    if ((await send(panel, { type: 'team-status' })).state === 'online') return;
    await new Promise((done) => setTimeout(done, 50));
  }
  throw new Error('the team queue did not connect');
}

/** The role-button page's click is held as its request: every card reads the same, so each run starts from an empty Team view. */
const HELD_REQUEST = 'POST /api/invite';

async function reviewerQueueEmpty(reviewerPanel) {
  for (let i = 0; i < 300; i++) {
    if ((await send(reviewerPanel, { type: 'team-queue' })).reviews.length === 0 && (await reviewerPanel.locator('article').count()) === 0) return;
    await new Promise((done) => setTimeout(done, 50));
  }
  throw new Error('the reviewer\'s Team view did not empty');
}

/** A card as an agent browser offers it (the shape lib/team/entry.ts reads). */
function fleetEntry(browser, index) {
  const id = `fleet-${index}`;
  const card = {
    id,
    kind: 'submit',
    trigger: 'click',
    label: `Save record ${index}`,
    frameUrl: 'https://crm.example/records',
    frameTitle: 'Records',
    fields: [{ name: 'status', label: 'Status', type: 'text', value: 'closed' }],
    signals: ['webdriver'],
    heldAt: Date.now(),
    site: 'https://crm.example',
    tabUrl: 'https://crm.example/records',
    tabTitle: 'Records',
    risks: [],
    createdAt: Date.now(),
    fingerprint: `fp-${browser}-${id}`,
  };
  return { key: `${browser}.${id}`, value: JSON.stringify({ v: 1, browser, id, state: 'pending', card }) };
}

/**
 * `agentPanel` is the agent browser's panel (its agent tab is `agent`), `reviewerPanel` a panel of
 * a second browser with the extension. Both are joined to a fresh nats-server for the run.
 */
export async function teamReview({ agent, agentPanel, reviewerPanel, origin }) {
  const nats = await startTeamServer();
  try {
    await send(reviewerPanel, { type: 'set-team', change: { enabled: true, url: nats.wsUrl, browserName: 'desk', role: 'reviewer', reviewerName: 'desk', user: REVIEWER.user, password: REVIEWER.password } });
    await online(reviewerPanel);
    const { publicKey } = await send(reviewerPanel, { type: 'team-status' });
    await send(agentPanel, {
      type: 'set-team',
      change: { enabled: true, url: nats.wsUrl, browserName: 'bench-agent', role: 'agent', user: AGENT.user, password: AGENT.password, trustedReviewers: [{ name: 'desk', key: publicKey }] },
    });
    await online(agentPanel);
    await reviewerPanel.getByRole('tab', { name: 'Team' }).click();

    const toReviewer = await heldToReviewerCard(agent, agentPanel, reviewerPanel, origin);
    const fleet = await fleetQueue(reviewerPanel, nats);
    return { toReviewer, ...fleet };
  } finally {
    for (const panel of [agentPanel, reviewerPanel]) await send(panel, { type: 'set-team', change: { enabled: false } }).catch(() => undefined);
    await nats.close();
  }
}

/**
 * On a three-node cluster: from the moment the agent browser's node has stopped to the card of
 * an action held right after it, drawn in the reviewer's Team view (the link fails over to
 * another node and resyncs). The node restarts between runs.
 */
export async function teamFailover({ agent, agentPanel, reviewerPanel, origin }) {
  const cluster = await startTeamCluster(3);
  const url = cluster.wsUrls.join(',');
  try {
    await send(reviewerPanel, { type: 'set-team', change: { enabled: true, url, browserName: 'desk', role: 'reviewer', reviewerName: 'desk', user: REVIEWER.user, password: REVIEWER.password } });
    await online(reviewerPanel);
    const { publicKey } = await send(reviewerPanel, { type: 'team-status' });
    await send(agentPanel, {
      type: 'set-team',
      change: { enabled: true, url, browserName: 'bench-agent', role: 'agent', user: AGENT.user, password: AGENT.password, trustedReviewers: [{ name: 'desk', key: publicKey }] },
    });
    await online(agentPanel);
    await reviewerPanel.getByRole('tab', { name: 'Team' }).click();
    await agent.goto(`${origin}/cases/role-button.html`);
    const latencies = [];
    for (let run = 0; run < FAILOVER_RUNS; run++) {
      const { server } = await send(agentPanel, { type: 'team-status' });
      const node = cluster.nodes.find((candidate) => server?.includes(new URL(candidate.wsUrl).port));
      if (!node) throw new Error(`the agent browser's node is unknown (${server})`);
      await reviewerQueueEmpty(reviewerPanel);
      const seen = cardTimes(reviewerPanel, HELD_REQUEST);
      await node.stop();
      const stoppedAt = Date.now();
      await clickInvite(agent, `Failover report ${run}`);
      latencies.push((await seen).card - stoppedAt);
      const { actions } = await send(agentPanel, { type: 'queue' });
      for (const action of actions) await send(agentPanel, { type: 'decide', id: action.id, verdict: 'reject' });
      await node.start();
      await online(agentPanel);
    }
    return latencies;
  } finally {
    for (const panel of [agentPanel, reviewerPanel]) await send(panel, { type: 'set-team', change: { enabled: false } }).catch(() => undefined);
    await cluster.close();
  }
}

/** From the agent's click in the agent browser to the card drawn in the reviewer's Team view. */
async function heldToReviewerCard(agent, agentPanel, reviewerPanel, origin) {
  await agent.goto(`${origin}/cases/role-button.html`);
  const latencies = [];
  for (let i = 0; i < TEAM_ACTIONS; i++) {
    await reviewerQueueEmpty(reviewerPanel);
    const seen = cardTimes(reviewerPanel, HELD_REQUEST);
    const clickedAt = await clickInvite(agent, `Team report ${i}`);
    latencies.push((await seen).card - clickedAt);
    const { actions } = await send(agentPanel, { type: 'queue' });
    for (const action of actions) await send(agentPanel, { type: 'decide', id: action.id, verdict: 'reject' });
  }
  return latencies;
}

/** 50 agent browsers holding 10 actions each: the reviewer's queue fills, and its first card is drawn at once. */
async function fleetQueue(reviewerPanel, nats) {
  const connections = await Promise.all(Array.from({ length: FLEET_BROWSERS }, () => wsconnect({ servers: nats.wsUrl, user: AGENT.user, pass: AGENT.password })));
  try {
    const offeredAt = Date.now();
    await Promise.all(
      connections.map(async (connection, browserIndex) => {
        const kv = await new Kvm(connection).open('countersign_pending');
        for (let i = 0; i < FLEET_ACTIONS; i++) {
          const { key, value } = fleetEntry(`fleet-browser-${browserIndex}`, i);
          await kv.create(key, value);
        }
      }),
    );
    const total = FLEET_BROWSERS * FLEET_ACTIONS;
    let queued = 0;
    while (queued < total) {
      queued = (await send(reviewerPanel, { type: 'team-queue' })).reviews.filter((review) => review.browser.startsWith('fleet-')).length;
      if (Date.now() - offeredAt > 30_000) throw new Error(`only ${queued} of ${total} fleet entries reached the reviewer`);
    }
    const fleetInQueueMs = Date.now() - offeredAt;
    const firstCard = [];
    for (let run = 0; run < FIRST_CARD_RUNS; run++) {
      // Opening the panel afresh, then the Team view: until its first card is drawn.
      await reviewerPanel.reload();
      await reviewerPanel.waitForSelector('#tab-Team');
      firstCard.push(
        await reviewerPanel.evaluate(
          () =>
            new Promise((done) => {
              const tab = document.getElementById('tab-Team');
              const start = performance.now();
              tab.click();
              const check = () => (document.querySelector('article') ? done(performance.now() - start) : requestAnimationFrame(check));
              check();
            }),
        ),
      );
    }
    const started = performance.now();
    await send(reviewerPanel, { type: 'team-queue' });
    return { fleetInQueueMs, firstCard, queueReplyMs: performance.now() - started, fleetQueued: queued };
  } finally {
    await Promise.all(connections.map((connection) => connection.close()));
  }
}
