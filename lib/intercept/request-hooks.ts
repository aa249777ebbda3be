import type { Verdict } from '@/lib/actions/types';
import type { RequestCause, RequestDetail } from '@/lib/messaging/frames';
import { isOverrideHeader, type BodyReader } from './body-summary';

/** What the request hooks share, all taken before page scripts run. */
export interface RequestHooks {
  win: Window & typeof globalThis;
  /** Why a request may need a decision; null for one that passes untouched. */
  causeOf(method: string): RequestCause | null;
  /** Offers a request to the isolated world; true when it holds it and will call `resume`. */
  offerRequest(detail: Omit<RequestDetail, 'nonce'>, resume: (verdict: Verdict) => void): boolean;
  absolute(url: unknown): string;
  bodies: BodyReader;
}

const apply = Reflect.apply;

/** fetch: a held call resolves with the real response once approved, or fails like a network error. */
export function hookFetch({ win, causeOf, offerRequest, absolute, bodies }: RequestHooks): void {
  const nativeFetch = win.fetch;
  win.fetch = function fetch(input: RequestInfo | URL, init?: RequestInit) {
    const request = input instanceof win.Request ? input : null;
    const method = String(init?.method ?? request?.method ?? 'GET');
    const send = () => apply(nativeFetch, win, [input, init]) as Promise<Response>;
    const cause = causeOf(method);
    if (!cause) return send();
    const describe = async () =>
      init?.body !== undefined || !request ? bodies.summarize(init?.body) : bodies.summarizeText(await request.clone().text());
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
            ...bodies.overrideOf(init?.headers ?? request?.headers),
          };
          const held = offerRequest(detail, (verdict) => (verdict === 'approve' ? resolve(send()) : reject(new TypeError('Failed to fetch'))));
          if (!held) resolve(send());
        }),
    );
  };
}

/** XMLHttpRequest: a held send goes out once approved, or ends with `error` like a network failure. */
export function hookXhr({ win, causeOf, offerRequest, absolute, bodies }: RequestHooks): void {
  const dispatch = win.EventTarget.prototype.dispatchEvent;
  const ProgressEventCtor = win.ProgressEvent;
  const xhrProto = win.XMLHttpRequest.prototype;
  const nativeOpen = xhrProto.open;
  const nativeSend = xhrProto.send;
  const nativeSetHeader = xhrProto.setRequestHeader;
  const opened = new WeakMap<XMLHttpRequest, { method: string; url: string; override?: string }>();
  xhrProto.setRequestHeader = function setRequestHeader(this: XMLHttpRequest, name: string, value: string) {
    const request = opened.get(this);
    if (request && isOverrideHeader(name)) request.override = String(value);
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
    const held = offerRequest({ ...request, via: 'xhr', keepalive: false, body: bodies.summarize(body), cause }, (verdict) => {
      if (verdict === 'approve') return go();
      for (const type of ['error', 'loadend']) apply(dispatch, this, [new ProgressEventCtor(type)]);
    });
    if (!held) go();
  };
}

/** sendBeacon: a held beacon reports it was queued, and goes out only once approved. */
export function hookBeacon({ win, causeOf, offerRequest, absolute, bodies }: RequestHooks): void {
  const navigatorProto = win.Navigator.prototype;
  const nativeBeacon = navigatorProto.sendBeacon;
  if (!nativeBeacon) return;
  navigatorProto.sendBeacon = function sendBeacon(this: Navigator, url: string | URL, data?: BodyInit | null) {
    const go = () => apply(nativeBeacon, this, [url, data]) as boolean;
    const cause = causeOf('POST');
    if (!cause) return go();
    const detail = { method: 'POST', url: absolute(url), via: 'beacon' as const, keepalive: true, body: bodies.summarize(data), cause };
    const held = offerRequest(detail, (verdict) => verdict === 'approve' && go());
    return held || go();
  };
}
