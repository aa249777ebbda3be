import { FIELD_CAP, flattenJson } from '@/lib/actions/requests';

/** The parts of webRequest's `requestBody` this reads. */
export interface ObservedBody {
  formData?: Record<string, unknown[]>;
  raw?: { bytes?: ArrayBuffer | unknown }[];
}

/** A request body's fields as the browser reports them: form data, else JSON leaves. */
export function observedFields(body: ObservedBody | undefined | null): [string, string][] {
  if (!body) return [];
  if (body.formData) {
    return Object.entries(body.formData)
      .flatMap(([name, values]) => values.map((value): [string, string] => [name, String(value)]))
      .slice(0, FIELD_CAP);
  }
  const bytes = body.raw?.[0]?.bytes;
  if (!(bytes instanceof ArrayBuffer)) return [];
  try {
    const value: unknown = JSON.parse(new TextDecoder().decode(bytes.slice(0, 1_000_000)));
    return value && typeof value === 'object' ? flattenJson(value) : [];
  } catch {
    return [];
  }
}
