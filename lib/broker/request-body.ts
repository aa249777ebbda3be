/** The parts of webRequest's `requestBody` this reads. */
export interface ObservedBody {
  formData?: Record<string, unknown[]>;
  raw?: { bytes?: ArrayBuffer | unknown }[];
}

const FIELD_CAP = 200;

/** A request body's top-level fields as the browser reports them: form data, else JSON. */
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
    if (!value || typeof value !== 'object') return [];
    return Object.entries(value)
      .slice(0, FIELD_CAP)
      .map(([name, child]) => [name, typeof child === 'string' ? child : JSON.stringify(child)]);
  } catch {
    return [];
  }
}
