import { parseContentRequest, parsePanelRequest } from '@/lib/messaging/validate';
import type { SenderInfo } from '@/lib/messaging/senders';
import type { Broker } from './broker';

/** Messages that failed validation, by origin; dropped without a reply. */
export const dropped = { panel: 0, content: 0 };

export async function handlePanelRequest(broker: Broker, message: unknown): Promise<unknown> {
  const request = parsePanelRequest(message);
  if (!request) {
    dropped.panel++;
    return undefined;
  }
  switch (request.type) {
    case 'queue':
      return broker.queue();
    case 'clear-history':
      return broker.clearHistory();
    case 'decide':
      return broker.decideFromPanel(request);
    case 'resume-tab':
      return broker.resumeTab(request.tabId);
    case 'reject-paused':
      return broker.rejectPaused(request.tabId);
    case 'reveal':
      return broker.reveal(request.id, request.index);
    case 'settings':
      return broker.settings();
    case 'tab-guard':
      return broker.guardFor(request.tabId);
    case 'arm':
      return broker.arm(request.tabId, request.armed);
    case 'set-settings':
      return broker.updateSettings(request.settings);
    case 'always':
      return broker.always(request.id, request.level, request.passkey);
    case 'allow-endpoint':
      return broker.allowEndpoint(request.id, request.passkey);
    case 'grant':
      return broker.grant(request.id, request.durationMs, request.passkey);
    case 'passkey-status':
      return broker.reviewerKey.status();
    case 'passkey-register-options':
      return broker.reviewerKey.passkeys.registrationOptions();
    case 'passkey-register':
      return broker.reviewerKey.register(request.response, request.current);
    case 'passkey-remove':
      return broker.reviewerKey.remove(request.current);
    case 'passkey-challenge':
      return broker.reviewerKey.challenge(request.id);
    case 'passkey-scopes':
      return broker.reviewerKey.setScopes(request.scopes, request.current);
    case 'suggestions':
      return broker.suggestions();
    case 'answer-suggestion':
      return broker.answerSuggestion(request.site, request.kind, request.accept, request.passkey);
    case 'rules':
      return broker.listRules();
    case 'save-rule':
      return broker.saveRule(request.id, request.spec, request.passkey);
    case 'delete-rule':
      return withChange(broker, broker.rules.remove(request.id));
    case 'import-rules':
      return broker.importRules(request.text, request.passkey);
    case 'export-rules':
      return broker.rules.export();
  }
}

async function withChange<T>(broker: Broker, work: Promise<T>): Promise<T> {
  const result = await work;
  broker.notifyChanged();
  return result;
}

interface ContentSender extends SenderInfo {
  tab?: { id?: number; url?: string; title?: string };
  documentId?: string;
}

export async function handleContentRequest(broker: Broker, message: unknown, sender: ContentSender): Promise<unknown> {
  const request = parseContentRequest(message);
  const tabId = sender.tab?.id;
  if (!request || tabId === undefined) {
    dropped.content++;
    return undefined;
  }
  if (request.type === 'hello') return broker.hello(tabId);
  if (request.type === 'input') return broker.noteInput(tabId, request.label, request.benign, request.at);
  return broker.hold(request.action, {
    tabId,
    frameId: sender.frameId ?? 0,
    documentId: sender.documentId,
    tabUrl: sender.tab?.url ?? request.action.frameUrl,
    tabTitle: sender.tab?.title ?? '',
  });
}
