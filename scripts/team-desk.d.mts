// Types for scripts/team-desk.mjs, for the tests that import it.
export const DESK_DIR: string;
export function serveDesk(options?: { dir?: string; port?: number; host?: string }): Promise<{ url: string; close(): Promise<void> }>;
