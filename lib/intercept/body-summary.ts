import { FIELD_CAP, flattenJson } from '@/lib/actions/requests';
import type { BodySummary } from '@/lib/messaging/frames';

const OVERRIDE_HEADERS = ['x-http-method-override', 'x-http-method', 'x-method-override'];

export const isOverrideHeader = (name: unknown) => OVERRIDE_HEADERS.includes(String(name).toLowerCase());

export interface BodyReader {
  /** What a request body carries, as the card shows it; never throws. */
  summarize(body: unknown): BodySummary;
  summarizeText(text: string): BodySummary;
  /** The method override a request's headers carry, read without running page code where we can. */
  overrideOf(headers: unknown): { override?: string };
}

/** Reads request bodies and headers in the MAIN world with the page's classes, taken before page scripts run. */
export function bodyReader(win: Window & typeof globalThis): BodyReader {
  const parse = win.JSON.parse;
  const entriesOf = win.Object.entries;

  function entries(list: URLSearchParams | FormData): [string, string][] {
    const out: [string, string][] = [];
    list.forEach((value: FormDataEntryValue, name: string) => {
      if (out.length < FIELD_CAP) out.push([name, typeof value === 'string' ? value : `(file ${value.name})`]);
    });
    return out;
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

  return {
    summarizeText,
    summarize(body) {
      try {
        return summarizeBody(body);
      } catch {
        return { kind: 'binary', fields: [] }; // unreadable: the card says so
      }
    },
    overrideOf(headers) {
      try {
        if (!headers) return {};
        const pairs: [string, string][] =
          headers instanceof win.Headers ? [...headers] : Array.isArray(headers) ? headers : entriesOf(headers as object).map(([name, value]) => [name, String(value)]);
        const found = pairs.find(([name]) => isOverrideHeader(name));
        return found ? { override: String(found[1]) } : {};
      } catch {
        return {};
      }
    },
  };
}
