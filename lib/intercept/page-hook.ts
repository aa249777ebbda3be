import { CAUSE_WINDOW_MS, FIELD_CAP, flattenJson, isStateChanging } from '@/lib/actions/requests';
import type { RequestVia, Verdict } from '@/lib/actions/types';
import { stackHasEvaluatedCode } from '@/lib/detect/evaluated';
import { toolRunIn, wrapToolRegistry } from './tool-hook';

/** Fired at a form by the MAIN-world hook when page script calls form.submit(). */
export const FORM_SUBMIT_EVENT = 'countersign:form-submit';
/** Fired at the window before a state-changing request leaves, soon after an input or from evaluated code. */
export const REQUEST_EVENT = 'countersign:request';
/** The isolated world's answer to a held request. */
export const REQUEST_DECISION_EVENT = 'countersign:request-decision';
/** Frames read to find evaluated code under the hook: deep enough for frameworks' call chains. */
const STACK_DEPTH = 100;
const OVERRIDE_HEADERS = ['x-http-method-override', 'x-http-method', 'x-method-override'];
const CONFIRM_TEXT_LIMIT = 500;


/** A request as the page is about to send it, passed to the isolated world as JSON. */
export interface RequestDetail {
  nonce: string;
  method: string;
  url: string;
  via: RequestVia;
  keepalive: boolean;
  body: BodySummary;
  /** What made the page send it: a recent input, or code a client evaluated in the page. */
  cause: RequestCause;
  /** A method override header (`X-HTTP-Method-Override` and kin) the request carries. */
  override?: string;
  /** The text of a native `confirm()` the agent accepted just before, which lends the action its words. */
  confirmed?: string;
}

export type RequestCause = 'input' | 'script' | 'tool';

export interface BodySummary {
  kind: 'none' | 'json' | 'form' | 'multipart' | 'text' | 'binary';
  fields: [string, string][];
  text?: string;
  size?: number;
}

/** The isolated world's answer to a held request or tool call. */
export interface RequestDecision {
  nonce: string;
  verdict: Verdict;
  /** A tool call's arguments as approved (the reviewer may have edited them). */
  input?: unknown;
  /** Why a tool call was refused, as its caller reads it. */
  message?: string;
  /** Approved by a person, not let through by a rule or the page's read-only claim. */
  reviewed?: boolean;
}

/** Offers an event's detail to the isolated world; calls `resume` with the decision if it holds it. */
export type Offer = (type: string, detail: object, resume: (decision: RequestDecision) => void) => boolean;


/**
 * Runs in the page's own world at document_start, before page scripts, with no extension
 * APIs. form.submit() fires no submit event, so it is rerouted through a cancelable DOM
 * event: when the isolated world takes it (preventDefault), the submission is its to hold
 * or let through. State-changing fetch, XMLHttpRequest and sendBeacon calls made soon after
 * an input event are offered the same way and, when taken, wait for the decision: sent once
 * as they were on approval, failed like a network error on rejection. With no isolated world
 * listening, the page behaves as without us. The page can fire these events itself, which
 * only ever asks for a hold; decisions carry a nonce the page never sees (both events stop
 * at their first listener, ours, registered before any page script).
 */
export function installPageHook(win: Window & typeof globalThis): void {
  const apply = Reflect.apply;
  const reflectSet = Reflect.set;
  const dispatch = win.EventTarget.prototype.dispatchEvent;
  const CustomEventCtor = win.CustomEvent;
  const ProgressEventCtor = win.ProgressEvent;
  const random = win.crypto.getRandomValues.bind(win.crypto);
  const newNonce = () => Array.from(random(new Uint32Array(4)), (part) => part.toString(36)).join('-');
  const stringify = win.JSON.stringify;
  const parse = win.JSON.parse;
  const entriesOf = win.Object.entries;
  const now = () => win.performance.now();
  const waiting = new Map<string, (decision: RequestDecision) => void>();
  let lastInput = -Infinity;
  /** A native `confirm()` answered OK: an input of its own, whose text the next action is about. */
  let confirmed: { text: string; at: number } | null = null;
  const recentConfirm = () => (confirmed && now() - confirmed.at < CAUSE_WINDOW_MS ? confirmed.text : undefined);
  const NativeError = win.Error;
  /** V8's knobs on the Error constructor, which the page can set too. */
  const stackKnobs = win.Error as unknown as { stackTraceLimit: number; prepareStackTrace?: unknown };
  /** False, not a throw, where the page made the knob read-only. */
  const setKnob = (name: keyof typeof stackKnobs, value: unknown) => reflectSet(stackKnobs, name, value);

  /**
   * The call stack at the hook, or '' when it cannot be read: the page may pin
   * `Error.stackTraceLimit` or `prepareStackTrace` to hide evaluated code, and no stack counts as
   * evaluated (held where the tab is guarded).
   */
  function callStack(): string {
    try {
      const { stackTraceLimit, prepareStackTrace } = stackKnobs;
      const readable = setKnob('stackTraceLimit', STACK_DEPTH) && setKnob('prepareStackTrace', undefined) && stackKnobs.prepareStackTrace === undefined;
      const stack = readable ? String(new NativeError().stack) : '';
      setKnob('stackTraceLimit', stackTraceLimit);
      setKnob('prepareStackTrace', prepareStackTrace);
      return stack;
    } catch {
      return '';
    }
  }

  const formProto = win.HTMLFormElement.prototype;
  const nativeSubmit = formProto.submit;
  Object.defineProperty(formProto, 'submit', {
    configurable: true,
    enumerable: true,
    writable: true,
    value: function submit(this: HTMLFormElement) {
      const event = new CustomEventCtor(FORM_SUBMIT_EVENT, { bubbles: true, cancelable: true, composed: true, detail: recentConfirm() });
      if (apply(dispatch, this, [event])) apply(nativeSubmit, this, []);
    },
  });

  const nativeConfirm = win.confirm;
  if (typeof nativeConfirm === 'function') {
    win.confirm = function confirm(message?: string) {
      const accepted = apply(nativeConfirm, win, [message]) as boolean;
      if (accepted) confirmed = { text: String(message ?? '').slice(0, CONFIRM_TEXT_LIMIT), at: (lastInput = now()) };
      return accepted;
    };
  }

  for (const type of ['pointerdown', 'click', 'keydown', 'submit']) {
    win.addEventListener(type, () => (lastInput = now()), true);
  }
  win.addEventListener(
    REQUEST_DECISION_EVENT,
    (event) => {
      event.stopImmediatePropagation();
      try {
        const decision = parse(String((event as CustomEvent).detail)) as RequestDecision;
        const resume = waiting.get(decision.nonce);
        waiting.delete(decision.nonce);
        resume?.({ ...decision, verdict: decision.verdict === 'approve' ? 'approve' : 'reject' });
      } catch {
        // not ours
      }
    },
    true,
  );

  const offer: Offer = (type, detail, resume) => {
    const nonce = newNonce();
    const event = new CustomEventCtor(type, { cancelable: true, detail: stringify({ ...detail, nonce }) });
    if (apply(dispatch, win, [event])) return false;
    waiting.set(nonce, resume);
    return true;
  };
  const offerRequest = (detail: Omit<RequestDetail, 'nonce'>, resume: (verdict: RequestDecision['verdict']) => void) => {
    const confirmText = detail.cause === 'input' ? recentConfirm() : undefined;
    return offer(REQUEST_EVENT, confirmText === undefined ? detail : { ...detail, confirmed: confirmText }, (decision) => resume(decision.verdict));
  };
  wrapToolRegistry(win, offer);

  /**
   * Why a request may need a decision; null for one that passes untouched. A tool run no person
   * approved (the page called it read-only, a rule allowed it) is judged by what it sends; what
   * a run a person approved sends was covered by that approval.
   */
  const causeOf = (method: string): RequestCause | null => {
    if (!isStateChanging(method)) return null;
    const stack = callStack();
    if (stackHasEvaluatedCode(stack)) return 'script';
    const run = toolRunIn(stack);
    if (run) return run === 'unreviewed' ? 'tool' : null;
    return now() - lastInput < CAUSE_WINDOW_MS ? 'input' : null;
  };
  const absolute = (url: unknown) => {
    try {
      return new URL(String(url), win.location.href).href;
    } catch {
      return String(url);
    }
  };

  function summarize(body: unknown): BodySummary {
    try {
      return summarizeBody(body);
    } catch {
      return { kind: 'binary', fields: [] }; // unreadable: the card says so
    }
  }

  function summarizeBody(body: unknown): BodySummary {
    if (body === undefined || body === null) return { kind: 'none', fields: [] };
    if (typeof body === 'string') return summarizeText(body);
    if (body instanceof win.URLSearchParams) return { kind: 'form', fields: entries(body) };
    if (body instanceof win.FormData) return { kind: 'multipart', fields: entries(body) };
    if (body instanceof win.Blob) return { kind: 'binary', fields: [], size: body.size };
    if (body instanceof win.ArrayBuffer || win.ArrayBuffer.isView(body)) {
      return { kind: 'binary', fields: [], size: (body as ArrayBuffer).byteLength };
    }
    return { kind: 'binary', fields: [] };
  }

  function summarizeText(text: string): BodySummary {
    // Only text that can be a JSON object or list is parsed: a throw per form-encoded body is costly.
    if (/^\s*[[{]/.test(text)) {
      try {
        const value: unknown = parse(text);
        if (value && typeof value === 'object') return { kind: 'json', fields: flattenJson(value, entriesOf) };
      } catch {
        // not JSON after all
      }
    }
    if (/^[^\s=&]+=[^\s]*$/.test(text)) return { kind: 'form', fields: entries(new win.URLSearchParams(text)) };
    return { kind: 'text', fields: [], text: text.slice(0, 2000), size: text.length };
  }

  /** The method override a request's headers carry, read without running page code where we can. */
  function overrideOf(headers: unknown): { override?: string } {
    try {
      if (!headers) return {};
      const pairs: [string, string][] =
        headers instanceof win.Headers ? [...headers] : Array.isArray(headers) ? headers : entriesOf(headers as object).map(([name, value]) => [name, String(value)]);
      const found = pairs.find(([name]) => OVERRIDE_HEADERS.includes(String(name).toLowerCase()));
      return found ? { override: String(found[1]) } : {};
    } catch {
      return {};
    }
  }

  function entries(list: URLSearchParams | FormData): [string, string][] {
    const out: [string, string][] = [];
    list.forEach((value: FormDataEntryValue, name: string) => {
      if (out.length < FIELD_CAP) out.push([name, typeof value === 'string' ? value : `(file ${value.name})`]);
    });
    return out;
  }

  const nativeFetch = win.fetch;
  win.fetch = function fetch(input: RequestInfo | URL, init?: RequestInit) {
    const request = input instanceof win.Request ? input : null;
    const method = String(init?.method ?? request?.method ?? 'GET');
    const send = () => apply(nativeFetch, win, [input, init]) as Promise<Response>;
    const cause = causeOf(method);
    if (!cause) return send();
    const describe = async (): Promise<BodySummary> =>
      init?.body !== undefined || !request ? summarize(init?.body) : summarizeText(await request.clone().text());
    return describe().then(
      (body) =>
        new Promise<Response>((resolve, reject) => {
          const detail = {
            method: method.toUpperCase(),
            url: absolute(request ? request.url : input),
            via: 'fetch' as const,
            keepalive: Boolean(init?.keepalive ?? request?.keepalive),
            body,
            cause,
            ...overrideOf(init?.headers ?? request?.headers),
          };
          const held = offerRequest(detail, (verdict) =>
            verdict === 'approve' ? resolve(send()) : reject(new TypeError('Failed to fetch')),
          );
          if (!held) resolve(send());
        }),
    );
  };

  const xhrProto = win.XMLHttpRequest.prototype;
  const nativeOpen = xhrProto.open;
  const nativeSend = xhrProto.send;
  const nativeSetHeader = xhrProto.setRequestHeader;
  const opened = new WeakMap<XMLHttpRequest, { method: string; url: string; override?: string }>();
  xhrProto.setRequestHeader = function setRequestHeader(this: XMLHttpRequest, name: string, value: string) {
    const request = opened.get(this);
    if (request && OVERRIDE_HEADERS.includes(String(name).toLowerCase())) request.override = String(value);
    return apply(nativeSetHeader, this, [name, value]);
  };
  xhrProto.open = function open(this: XMLHttpRequest, ...args: unknown[]) {
    opened.set(this, { method: String(args[0]).toUpperCase(), url: absolute(args[1]) });
    return apply(nativeOpen, this, args);
  } as XMLHttpRequest['open'];
  xhrProto.send = function send(this: XMLHttpRequest, body?: Document | XMLHttpRequestBodyInit | null) {
    const request = opened.get(this);
    const go = () => apply(nativeSend, this, [body]);
    const cause = request && causeOf(request.method);
    if (!request || !cause) return go();
    const held = offerRequest({ ...request, via: 'xhr', keepalive: false, body: summarize(body), cause }, (verdict) => {
      if (verdict === 'approve') return go();
      for (const type of ['error', 'loadend']) apply(dispatch, this, [new ProgressEventCtor(type)]);
    });
    if (!held) go();
  };

  const navigatorProto = win.Navigator.prototype;
  const nativeBeacon = navigatorProto.sendBeacon;
  if (nativeBeacon) {
    navigatorProto.sendBeacon = function sendBeacon(this: Navigator, url: string | URL, data?: BodyInit | null) {
      const go = () => apply(nativeBeacon, this, [url, data]) as boolean;
      const cause = causeOf('POST');
      if (!cause) return go();
      const detail = { method: 'POST', url: absolute(url), via: 'beacon' as const, keepalive: true, body: summarize(data), cause };
      const held = offerRequest(detail, (verdict) => verdict === 'approve' && go());
      return held || go();
    };
  }
}
