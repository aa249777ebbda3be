/**
 * What the broker, its gate and team review refuse, by name. The panel shows
 * `refusal.<name>` from locales/*.yml in the person's language, filled with the values; the
 * English here is the reply's `error`, which agents, logs and tests read.
 * test/unit/refusals.test.ts keeps locales/en.yml word for word equal to this table.
 */
export const REFUSALS = {
  alreadyDecided: 'This action was already decided or no longer exists.',
  questionIsAnswered: 'A question from the agent is answered, not approved.',
  onlyQuestionsAnswered: 'Only a question from the agent is answered.',
  stillChecking: 'Countersign is still checking this action; approve it once its card is complete.',
  readFirst: 'Read the card first: it can be approved {seconds} s after it appeared.',
  typeToConfirm: 'Type {value} to confirm this approval.',
  requestNotEditable: 'A request held in flight is sent as it is or not at all; it cannot be edited.',
  pageChanged: 'The page changed this action after it was held; nothing was sent. Review it again.',
  pageGone: 'The page that held this action is gone; nothing was sent.',
  notAQuestion: 'Only a question from the agent can be answered.',
  questionSettled: 'This question was already answered or no longer exists.',
  unreadableNoRule: 'An action that could not be read cannot make a rule.',
  questionsNoRule: 'Only the person answers the agent’s questions: they make no rule.',
  endpointOffSite: 'Only a request to this site itself can be allowed by its endpoint.',
  toolUnnamed: 'Only a call of a tool the page registered, with a plain name, can be allowed by its name.',
  teamDecidedFirst: 'A team reviewer decided this action first; their decision applies.',
  teamGone: 'This action is no longer waiting in the team queue.',
  teamAlreadyDecided: 'This action was already decided.',
  teamChanged: 'The agent browser changed this action; review it again.',
  teamLost: 'Another reviewer or the agent browser decided this action first.',
  teamUnconfirmed: 'No node of the team server confirmed this decision ({reason}); the card stays until the action is settled.',
  passkeyNeeded: 'This needs your passkey.',
  passkeyMissing: 'No passkey is registered.',
  passkeyUnreadable: 'The passkey answer could not be read.',
  passkeyUsed: 'This passkey answer was already used or has expired.',
  passkeyOtherAction: 'This passkey answer was given for another action, or the action changed since.',
  passkeyOtherPurpose: 'This passkey answer was given for something else.',
  passkeyUnconfirmed: 'The passkey did not confirm this.',
  passkeyFailed: 'The passkey did not confirm this: {reason}',
  deskNeedsPasskey: 'Add a passkey to this desk first: every approval from a desk takes it.',
  revealNotPending: 'Only a pending action can be revealed.',
  revealNotHeld: 'The page no longer holds this action.',
  revealNoAnswer: 'The page did not answer.',
  revealPageGone: 'The page that held this action is gone.',
  fatiguePaused: '{count} approvals in {within} s, each within {dwell} s of the card appearing. Approvals are paused for {pause} s: take a breath and read the next card.',
} as const;

export type RefusalName = keyof typeof REFUSALS;
export type RefusalValues = Record<string, string | number>;

/** A refusal the panel can say in the person's language. */
export interface Refused {
  ok: false;
  error: string;
  refusal: { name: RefusalName; values?: RefusalValues };
}

/** A decision's reply. `refusal`: the refusal by name, for the panel to say in the person's language. */
export type DecideReply = { ok: true } | { ok: false; error: string; refusal?: Refused['refusal'] };

export function refused(name: RefusalName, values?: RefusalValues): Refused {
  const error = REFUSALS[name].replace(/\{(\w+)\}/g, (whole, key: string) => (values && key in values ? String(values[key]) : whole));
  return { ok: false, error, refusal: values ? { name, values } : { name } };
}
