import { readValue, VALUE_LIMIT, type FieldTarget } from '@/lib/actions/dom';
import { attr } from '@/lib/actions/native';
import { maskSecret } from '@/lib/actions/secrets';
import type { FieldChange } from '@/lib/actions/types';
import { clip } from '@/lib/actions/wording';
import { currentAmount, destinationOf, snapshots } from './describe';
import type { BoundState, Held, HoldSpec } from './held';

// What an approval is bound to, and what changed since: an approval of something the page has
// since altered sends nothing, and the card shows the action as it now is.

/** Where the data goes, every value, the amount, the control, as the card showed them. */
export function boundState(win: Window, spec: HoldSpec, targets: FieldTarget[]): BoundState {
  const destination = destinationOf(spec);
  return {
    label: spec.label,
    action: destination ? `${destination.method} ${destination.action}` : '',
    frameUrl: win.location.href,
    amount: currentAmount(spec)?.text ?? '',
    values: targets.map(readValue),
  };
}

export function changesSince(win: Window, entry: Held): FieldChange[] {
  const before = entry.baseline;
  if (!before) return []; // nothing could be read, and the card said so
  const now = boundState(win, entry, entry.targets);
  const fields = snapshots(entry);
  const changes: FieldChange[] = [];
  if (now.action !== before.action) changes.push({ label: 'Sends to', before: before.action, after: now.action });
  if (now.frameUrl !== before.frameUrl) changes.push({ label: 'Page', before: before.frameUrl, after: now.frameUrl });
  if (now.amount !== before.amount) changes.push({ label: 'Amount', before: before.amount, after: now.amount });
  now.values.forEach((value, index) => {
    if (value === before.values[index]) return;
    const [field, target] = [fields[index], entry.targets[index]];
    if (!field || !target) return; // fields and targets are read together: one per control
    const shown = (raw: string) => (field.masked ? maskedLike(target, raw) : clip(raw, VALUE_LIMIT));
    changes.push({ label: field.label || field.name, before: shown(before.values[index] ?? ''), after: shown(value) });
  });
  return changes;
}

function maskedLike(target: FieldTarget, raw: string): string {
  const identity = {
    type: (target as HTMLInputElement).type ?? '',
    name: `${(target as HTMLInputElement).name ?? ''} ${target.id}`,
    autocomplete: attr(target, 'autocomplete') ?? '',
  };
  return maskSecret(identity, raw).value;
}
