// Types for scripts/verify.mjs, for the tests that import it.
import type { VerifyReport } from '../lib/audit/verify';

export function verifyFile(file: string, options?: { key?: string }): Promise<{ report: VerifyReport; text: string }>;
export function reportText(file: string, report: VerifyReport): string;
