import { wsconnect } from '@nats-io/nats-core';
import { jetstream } from '@nats-io/jetstream';
import { LOG_STREAM, logSubject } from '@/lib/team/log';
export { startTeamCluster, startTeamServer, type TeamCluster, type TeamServer } from '../scripts/team-server.mjs';

export const AGENT = { user: 'agent', pass: 'agent-local' } as const;
export const REVIEWER = { user: 'reviewer', pass: 'reviewer-local' } as const;

/** The log stream's last outcome per action of one browser: what a pipeline reading it would hold. */
export async function loggedOutcomes(servers: string[], browserName: string): Promise<Map<string, string>> {
  const connection = await wsconnect({ servers, user: REVIEWER.user, pass: REVIEWER.pass });
  try {
    const consumer = await jetstream(connection).consumers.get(LOG_STREAM, { filter_subjects: logSubject(browserName) });
    const last = new Map<string, string>();
    for await (const message of await consumer.fetch({ max_messages: 500, expires: 2000 })) {
      const event = message.json<{ id: string; outcome: string }>();
      last.set(event.id, event.outcome);
    }
    return last;
  } finally {
    await connection.close();
  }
}
