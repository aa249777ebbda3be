import type { Describer } from './describer';

/** The name the describer is kept under in the extension's isolated world (never visible to the page). */
export const DESCRIBER_GLOBAL = 'countersignDescriber';

const loaded = () => (globalThis as unknown as Record<string, Describer | undefined>)[DESCRIBER_GLOBAL];

/**
 * Loads the describer into this frame once, on its first hold: `inject` asks the background to
 * inject it (entrypoints/describer.ts). A failed load is tried again at the next hold.
 */
export function describerLoader(inject: () => Promise<unknown>): () => Promise<Describer> {
  let loading: Promise<Describer> | null = null;
  return () =>
    (loading ??= Promise.resolve(loaded() ?? inject().then(() => loaded() ?? Promise.reject(new Error('the describer did not load')))).catch(
      (error: unknown) => {
        loading = null;
        throw error;
      },
    ));
}
