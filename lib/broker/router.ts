import { parseAgentRequest } from '@/lib/agent/requests';
import {
  readContentRequest,
  readPanelRequest,
  refuse,
  type ContentReplies,
  type ContentRequestOf,
  type ContentType,
  type PanelReplies,
  type PanelRequestOf,
  type PanelType,
  type Refusal,
} from '@/lib/messaging/messages';
import type { SenderInfo } from '@/lib/messaging/senders';
import type { Broker } from './broker';
import type { Origin } from './platform';

/** Messages refused by validation, by origin; each answered with a typed refusal. */
export const dropped = { panel: 0, content: 0, agent: 0 };

type PanelHandlers = {
  [K in PanelType]: (broker: Broker, request: PanelRequestOf<K>) => PanelReplies[K] | Promise<PanelReplies[K]>;
};

const PANEL_HANDLERS = {
  queue: (broker) => broker.view.queue(),
  'clear-history': (broker) => broker.clearHistory(),
  'export-audit': (broker) => broker.exportAudit(),
  'log-key': async (broker) => ({ publicKey: await broker.logKey.publicKey() }),
  'webhook-status': async (broker) => {
    const { managed, problem } = await broker.notices.settings();
    return { managed, problem, last: await broker.notices.status() };
  },
  'silence-endpoint': (broker, { id }) => broker.traffic.silenceEndpoint(id),
  'unsilence-endpoint': (broker, { key }) => broker.traffic.unsilenceEndpoint(key),
  decide: (broker, decision) => broker.decisions.fromPanel(decision),
  answer: (broker, { id, answer, dwellMs }) => broker.questions.answer(id, answer, dwellMs),
  'agent-state': (broker) => broker.agent.agentState(),
  'resume-tab': (broker, { tabId }) => broker.holds.resumeTab(tabId),
  'reject-paused': (broker, { tabId }) => broker.holds.rejectPaused(tabId),
  reveal: (broker, { id, index }) => broker.reveal(id, index),
  settings: (broker) => broker.settings(),
  'set-settings': (broker, { settings }) => broker.updateSettings(settings),
  always: (broker, { id, level, passkey }) => broker.shortcuts.always(id, level, passkey),
  'allow-endpoint': (broker, { id, passkey }) => broker.shortcuts.allowEndpoint(id, passkey),
  'allow-tool': (broker, { id, passkey }) => broker.shortcuts.allowTool(id, passkey),
  grant: (broker, { id, durationMs, passkey }) => broker.shortcuts.grant(id, durationMs, passkey),
  'passkey-status': (broker) => broker.reviewerKey.status(),
  'passkey-register-options': (broker) => broker.reviewerKey.registrationOptions(),
  'passkey-register': (broker, { response, current }) => broker.reviewerKey.register(response, current),
  'passkey-remove': (broker, { current }) => broker.reviewerKey.remove(current),
  'passkey-challenge': (broker, { id, browser }) => (browser && id ? broker.team.challenge(browser, id) : broker.reviewerKey.challenge(id)),
  'passkey-scopes': (broker, { scopes, current }) => broker.reviewerKey.setScopes(scopes, current),
  suggestions: (broker) => broker.shortcuts.suggestions(),
  'answer-suggestion': (broker, { site, kind, accept, passkey }) => broker.shortcuts.answerSuggestion(site, kind, accept, passkey),
  rules: (broker) => broker.shortcuts.listRules(),
  'save-rule': (broker, { id, spec, passkey }) => broker.shortcuts.saveRule(id, spec, passkey),
  'delete-rule': (broker, { id }) => broker.shortcuts.deleteRule(id),
  'import-rules': (broker, { text, passkey }) => broker.shortcuts.importRules(text, passkey),
  'export-rules': (broker) => broker.rules.export(),
  'tab-guard': (broker, { tabId }) => broker.guard.guardFor(tabId),
  arm: (broker, { tabId, armed }) => broker.guard.arm(tabId, armed),
  'team-status': (broker) => broker.team.status(),
  'set-team': (broker, { change, passkey }) => broker.team.update(change, passkey),
  'team-queue': (broker) => broker.view.teamQueue(),
  'team-decide': (broker, request) => broker.team.decide(request),
  'team-screenshot': (broker, { browser, id }) => broker.team.screenshot(browser, id),
} satisfies PanelHandlers;

export async function handlePanelRequest(broker: Broker, message: unknown): Promise<unknown> {
  const parsed = readPanelRequest(message);
  if (!parsed.ok) return refused('panel', parsed);
  const handle = PANEL_HANDLERS[parsed.request.type] as (broker: Broker, request: unknown) => unknown;
  return handle(broker, parsed.request);
}

interface ContentSender extends SenderInfo {
  tab?: { id?: number; url?: string; title?: string };
  documentId?: string;
}

type ContentHandlers = {
  [K in ContentType]: (
    broker: Broker,
    request: ContentRequestOf<K>,
    from: Origin,
  ) => ContentReplies[K] | Promise<ContentReplies[K]>;
};

const CONTENT_HANDLERS = {
  hello: (broker, _request, { tabId }) => broker.guard.hello(tabId),
  hold: (broker, { action }, origin) =>
    broker.holds.hold(action, { ...origin, tabUrl: origin.tabUrl || action.frameUrl }),
  input: (broker, { label, benign, at }, { tabId }) => broker.traffic.noteInput(tabId, label, benign, at),
  join: (broker, { id, request }, { tabId }) => broker.holds.joinRequest(tabId, id, request),
  ran: (broker, { action }, origin) => broker.holds.noteToolRan(action, { ...origin, tabUrl: origin.tabUrl || action.frameUrl }),
  describer: (broker, _request, origin) => broker.injectDescriber(origin),
} satisfies ContentHandlers;

/**
 * A request from the agent's channel. Anything but what the table allows (above all, anything
 * claiming to decide) is refused with its reason, counted and logged.
 */
export async function handleAgentRequest(broker: Broker, value: unknown): Promise<Record<string, unknown>> {
  const parsed = parseAgentRequest(value);
  if (!parsed.ok) {
    dropped.agent++;
    await broker.agent.noteChannelRefusal(parsed.type, parsed.error);
    return { error: parsed.error };
  }
  const request = parsed.request;
  switch (request.type) {
    case 'declare-task':
      return broker.agent.declareTask(request.task, request.constraints);
    case 'report-confidence':
      return broker.agent.reportConfidence(request.confidence, request.about);
    case 'ask-person': {
      const { question, options, context, confidence } = request;
      // The confidence stated with a question counts as reported, about that question.
      if (confidence !== undefined) await broker.agent.reportConfidence(confidence, question);
      return broker.questions.ask({ question, ...(options ? { options } : {}), ...(context ? { context } : {}), ...(confidence !== undefined ? { confidence } : {}) });
    }
    case 'await-answer':
      return broker.questions.wait(request.question, request.waitMs ?? 0);
    case 'get-decisions':
      return { decisions: await broker.agent.agentDecisions(request.since ?? 0) };
  }
}

export async function handleContentRequest(broker: Broker, message: unknown, sender: ContentSender): Promise<unknown> {
  const tabId = sender.tab?.id;
  const parsed = readContentRequest(message);
  if (!parsed.ok) return refused('content', parsed);
  if (tabId === undefined) return refused('content', refuse('not sent from a tab'));
  const handle = CONTENT_HANDLERS[parsed.request.type] as (broker: Broker, request: unknown, from: Origin) => unknown;
  return handle(broker, parsed.request, {
    tabId,
    frameId: sender.frameId ?? 0,
    documentId: sender.documentId,
    tabUrl: sender.tab?.url ?? '',
    tabTitle: sender.tab?.title ?? '',
  });
}

function refused(from: keyof typeof dropped, refusal: Refusal): Refusal {
  dropped[from]++;
  return refusal;
}
