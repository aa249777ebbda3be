import { readPanelRequest, refuse, type PanelRequest } from '@/lib/messaging/messages';
import type { ReviewDesk } from './desk';

/**
 * The requests the extension's Team view sends its background, answered by the desk in the
 * same page. Checked against the same schemas; anything else is refused, as the background
 * refuses an unknown message.
 */
export async function answerDeskRequest(desk: ReviewDesk, message: unknown): Promise<unknown> {
  const parsed = readPanelRequest(message);
  if (!parsed.ok) return parsed;
  const request: PanelRequest = parsed.request;
  switch (request.type) {
    case 'team-queue':
      return desk.queue();
    case 'settings':
      return desk.settings();
    case 'team-decide':
      return desk.decide(request);
    case 'team-screenshot':
      return desk.link.picture(request.browser, request.id);
    case 'passkey-challenge':
      if (!request.id || !request.browser) return refuse('A desk answers passkey challenges for team cards only.');
      return desk.challenge(request.browser, request.id);
    default:
      return refuse(`The review desk does not handle ${request.type}.`);
  }
}
