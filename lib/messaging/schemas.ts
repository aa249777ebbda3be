import * as v from 'valibot';
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import { VERDICTS } from '@/lib/actions/types';

/** Sizes past which a message is refused rather than stored. */
export const LIMITS = {
  fields: 200,
  value: 2000,
  text: 4096,
  url: 8192,
  message: 20_000,
  edit: 100_000,
  rulesFile: 5_000_000,
} as const;

export const text = (max: number) => v.pipe(v.string(), v.maxLength(max));
export const nonEmpty = (max: number) => v.pipe(v.string(), v.minLength(1), v.maxLength(max));
// Adding 0 turns -0 into 0: an id or count has one zero, as in JSON.
const oneZero = v.transform((n: number) => n + 0);
export const whole = (min: number, max: number) => v.pipe(v.number(), v.safeInteger(), v.minValue(min), v.maxValue(max), oneZero);
export const finite = v.pipe(v.number(), v.finite(), oneZero);

export const verdict = v.picklist(VERDICTS);
/** A reviewer's edits: which field, and the value to send instead. */
export const fieldEdits = v.pipe(
  v.array(v.object({ index: whole(0, LIMITS.fields - 1), value: text(LIMITS.edit) })),
  v.maxLength(LIMITS.fields),
);

/** The value a schema accepts, or null. */
export function parseOrNull<S extends v.GenericSchema>(schema: S, value: unknown): v.InferOutput<S> | null {
  const result = v.safeParse(schema, value);
  return result.success ? result.output : null;
}

/**
 * Data as JSON carries it (runtime messages arrive so): anything else in a message, such as a
 * hole or a non-finite number, is refused rather than stored. Nesting is bounded.
 */
export function isJsonData(value: unknown, depth = 0): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (typeof value !== 'object' || depth >= 16) return false;
  if (Array.isArray(value)) return value.every((item) => isJsonData(item, depth + 1));
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return false;
  // JSON leaves out a key whose value is undefined, as the message channel does.
  return Object.values(value).every((item) => item === undefined || isJsonData(item, depth + 1));
}

const b64 = (min: number, max: number) => v.pipe(v.string(), v.minLength(min), v.maxLength(max), v.regex(/^[A-Za-z0-9_-]*$/));

/** What every WebAuthn credential the panel sends has. */
const credential = { id: b64(1, 1024), rawId: b64(1, 1024), type: v.literal('public-key') } as const;

/** A WebAuthn assertion, rebuilt with only what verification reads; the broker verifies it. */
export const assertion = v.pipe(
  v.object({
    ...credential,
    response: v.object({
      clientDataJSON: b64(1, 10_000),
      authenticatorData: b64(1, 10_000),
      signature: b64(1, 10_000), // RSA keys sign long
      userHandle: v.nullish(b64(0, 1024)),
    }),
  }),
  v.transform(({ id, rawId, response: { userHandle, ...response } }): AuthenticationResponseJSON => ({
    id,
    rawId,
    type: 'public-key',
    response: { ...response, ...(userHandle ? { userHandle } : {}) },
    clientExtensionResults: {},
  })),
);

/**
 * A malformed answer about one action still reaches the broker, as one that cannot be read:
 * the card then says why, and the attempt stays on the action's record.
 */
export const UNREADABLE_ANSWER: AuthenticationResponseJSON = {
  id: '',
  rawId: '',
  type: 'public-key',
  response: { clientDataJSON: '', authenticatorData: '', signature: '' },
  clientExtensionResults: {},
};

export const answer = v.pipe(
  v.unknown(),
  v.transform((value): AuthenticationResponseJSON => parseOrNull(assertion, value) ?? UNREADABLE_ANSWER),
);

const TRANSPORTS = ['ble', 'hybrid', 'internal', 'nfc', 'usb'] as const;

export const registration = v.pipe(
  v.object({
    ...credential,
    response: v.object({ clientDataJSON: b64(1, 10_000), attestationObject: b64(1, 20_000), transports: v.optional(v.unknown()) }),
  }),
  v.transform(({ id, rawId, response }): RegistrationResponseJSON => ({
    id,
    rawId,
    type: 'public-key',
    response: {
      clientDataJSON: response.clientDataJSON,
      attestationObject: response.attestationObject,
      // Unknown transports are left out, not refused: browsers add new ones.
      transports: Array.isArray(response.transports)
        ? response.transports.filter((t): t is (typeof TRANSPORTS)[number] => TRANSPORTS.includes(t))
        : [],
    },
    clientExtensionResults: {},
  })),
);
