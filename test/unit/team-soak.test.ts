import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TeamCard } from '@/lib/team/entry';
import { TeamLink, type AgentHost, type ReviewerHost } from '@/lib/team/link';
import { DEFAULT_TEAM } from '@/lib/team/settings';
import { generateReviewerKey } from '@/lib/team/signing';
import { AGENT, REVIEWER, startTeamCluster, type TeamCluster } from '../team-server';
import { proposal } from './helpers';

// A soak on three real nats-server nodes: 50 agent browsers' team links (the real TeamLink and
// relay, with their histories in memory) hold 10 actions each while one node is stopped and
// started again; one reviewer decides everything it sees. Nothing is lost, nothing applied twice.

const BROWSERS = 50;
const ACTIONS = 10;

interface FleetBrowser {
  name: string;
  link: TeamLink;
  status: Map<string, 'pending' | 'approved'>;
  /** Calls to apply a reviewer decision, by action: each must be exactly one. */
  applied: Map<string, number>;
  hold(): void;
}

const notReviewing: ReviewerHost = {
  approve: () => Promise.reject(new Error('an agent browser does not review here')),
  signer: () => Promise.reject(new Error('an agent browser does not review here')),
};

function fleetBrowser(index: number): FleetBrowser {
  const name = `soak-${index}`;
  const cards = new Map<string, TeamCard>();
  const status = new Map<string, 'pending' | 'approved'>();
  const applied = new Map<string, number>();
  const agent: AgentHost = {
    pendingCards: async () => [...cards.values()].filter((card) => status.get(card.id) === 'pending'),
    standing: async (id) => (status.has(id) ? { status: status.get(id)!, by: 'soak', at: 0 } : undefined),
    applyDecision: async (id) => {
      applied.set(id, (applied.get(id) ?? 0) + 1);
      if (status.get(id) !== 'pending') return false;
      status.set(id, 'approved');
      link.sync();
      return true;
    },
    logRefusal: async () => undefined,
    logRecords: async () => [],
    screenshot: async () => undefined,
  };
  const link: TeamLink = new TeamLink({ agent, reviewer: notReviewing, changed: () => undefined, now: () => Date.now() });
  return {
    name,
    link,
    status,
    applied,
    hold() {
      const action = proposal({ kind: 'submit', label: `Save record ${status.size}` });
      const card: TeamCard = { ...action, site: 'https://crm.example', tabUrl: action.frameUrl, tabTitle: 'Records', risks: [], createdAt: Date.now(), fingerprint: `fp-${action.id}` };
      cards.set(card.id, card);
      status.set(card.id, 'pending');
      link.sync();
    },
  };
}

async function until(check: () => boolean, timeoutMs: number, what: () => string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out: ${what()}`);
    await new Promise((done) => setTimeout(done, 100));
  }
}

describe('50 agent browsers × 10 actions on a three-node cluster while a node restarts', () => {
  let cluster: TeamCluster;
  beforeAll(async () => {
    cluster = await startTeamCluster(3);
  }, 60_000);
  afterAll(() => cluster?.close());

  it('loses no action and applies none twice', async () => {
    const signer = await generateReviewerKey();
    const reviewer = new TeamLink({
      reviewer: { approve: (_card, _seenAt, _request, write) => write(), signer: async () => signer },
      changed: () => undefined,
      now: () => Date.now(),
    });
    const servers = cluster.wsUrls.join(',');
    await reviewer.configure({ ...DEFAULT_TEAM, enabled: true, url: servers, browserName: 'soak-desk', role: 'reviewer', reviewerName: 'soak', user: REVIEWER.user, password: REVIEWER.pass });
    const fleet = Array.from({ length: BROWSERS }, (_, index) => fleetBrowser(index));
    for (const browser of fleet) {
      await browser.link.configure({
        ...DEFAULT_TEAM,
        enabled: true,
        url: servers,
        browserName: browser.name,
        role: 'agent',
        user: AGENT.user,
        password: AGENT.pass,
        trustedReviewers: [{ name: 'soak', key: signer.publicKey }],
      });
    }
    const links = [reviewer, ...fleet.map((browser) => browser.link)];
    try {
      await until(() => links.every((link) => link.state === 'online'), 30_000, () => `${links.filter((link) => link.state !== 'online').length} links not online`);

      // The reviewer decides whatever it sees, as it appears (an entry it already decided may
      // still be listed until the watch says so: that one is refused as decided).
      let reviewing = true;
      const unconfirmed: string[] = [];
      const decisions = (async () => {
        while (reviewing) {
          for (const { entry } of [...reviewer.reviews.values()]) {
            const reply = await reviewer.review({ browser: entry.browser, id: entry.id, verdict: 'approve', fingerprint: entry.card.fingerprint });
            if (!reply.ok && reply.error.startsWith('No node')) unconfirmed.push(reply.error);
          }
          await new Promise((done) => setTimeout(done, 50));
        }
      })();

      for (let i = 0; i < ACTIONS / 2; i++) for (const browser of fleet) browser.hold();
      const node = cluster.nodes[1]!;
      const port = new URL(node.wsUrl).port;
      // Clients pick nodes at random: the stopped node must have had some of them.
      expect(links.filter((link) => link.server?.includes(port)).length).toBeGreaterThan(0);
      await node.stop();
      for (let i = ACTIONS / 2; i < ACTIONS; i++) for (const browser of fleet) browser.hold();
      await new Promise((done) => setTimeout(done, 2000));
      await node.start();

      const pending = () => fleet.flatMap((browser) => [...browser.status.values()].filter((status) => status === 'pending')).length;
      await until(() => pending() === 0, 120_000, () => `${pending()} of ${BROWSERS * ACTIONS} actions never decided`);
      reviewing = false;
      await decisions;
      // A decision made during the failover waited for the queue instead of failing.
      expect(unconfirmed).toEqual([]);
      // Let every relay settle its entries, then count.
      await new Promise((done) => setTimeout(done, 2000));
      const counts = fleet.flatMap((browser) => [...browser.status.keys()].map((id) => browser.applied.get(id) ?? 0));
      expect(counts).toHaveLength(BROWSERS * ACTIONS);
      expect(counts.filter((count) => count !== 1)).toEqual([]);
    } finally {
      await Promise.all(links.map((link) => link.close()));
    }
  }, 240_000);
});
