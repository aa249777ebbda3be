import type { ProposedAction } from '@/lib/actions/types';

/** Why an action deserves a closer look, shown on its card. */
export type RiskReason = 'sensitive-fields' | 'cross-origin-post' | 'amount' | 'cross-origin-frame';


export function originOf(url: string): string | null {
  try {
    const origin = new URL(url).origin;
    return origin === 'null' ? null : origin;
  } catch {
    return null;
  }
}

export function riskReasons(action: ProposedAction, tabUrl: string): RiskReason[] {
  const reasons: RiskReason[] = [];
  if (action.fields.some((field) => field.masked)) reasons.push('sensitive-fields');
  const formOrigin = action.form ? originOf(action.form.action) : null;
  if (action.form && formOrigin !== originOf(action.frameUrl)) reasons.push('cross-origin-post');
  if (action.amount) reasons.push('amount');
  if (isCrossOriginFrame(action.frameUrl, tabUrl)) reasons.push('cross-origin-frame');
  return reasons;
}

/** about:blank and srcdoc frames inherit their parent's origin and are not flagged. */
export function isCrossOriginFrame(frameUrl: string, tabUrl: string): boolean {
  const frame = originOf(frameUrl);
  return frame !== null && frame !== originOf(tabUrl);
}
