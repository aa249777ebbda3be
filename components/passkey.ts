import { startAuthentication } from '@simplewebauthn/browser';
import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import { request } from '@/lib/messaging/client';

/**
 * Asks the authenticator to answer a challenge the background made: for one action (of another
 * browser, for a team card), or (no id) for managing the key.
 */
export async function passkeyAnswer(id?: string, browser?: string): Promise<AuthenticationResponseJSON> {
  const options = await request({ type: 'passkey-challenge', ...(id ? { id } : {}), ...(browser ? { browser } : {}) });
  if ('error' in options) throw new Error(options.error);
  return startAuthentication({ optionsJSON: options });
}
