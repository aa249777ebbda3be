import { controlLabel, dialogOf, dialogText, type Classified } from '@/lib/actions/dom';
import { classifyWording, normalizeLabel } from '@/lib/actions/wording';
import type { Input, Wording } from './held';

/**
 * What an input says it does. A control in a confirmation dialog ("OK") speaks with the control
 * that opened the dialog ("Drop") and the dialog's question; so does a native `confirm()` the
 * input led to. The first of them that names a consequential kind gives it.
 */
export function wordingOf(input: Input, confirmed?: string): Wording {
  const own = input.control ? controlLabel(input.control) : '';
  const dialog = input.control ? dialogOf(input.control) : null;
  const question = confirmed ?? (dialog ? dialogText(dialog) : '');
  const opener = input.opener ? controlLabel(input.opener) : '';
  const words = [opener, own].filter(Boolean).join(' → ');
  const label = normalizeLabel(question ? `${words} (“${question}”)` : words);
  const kinds = [opener, question, own].map((text) => (text ? classifyWording(text) : null));
  const kind = kinds.find((found) => found && found !== 'benign') ?? (kinds.includes('benign') ? 'benign' : null);
  return { label, kind };
}

/** A control in a dialog was opened by the last control outside it (or by what opened that). */
export function openerOf(control: Element | null, previous: Input | null): Element | null {
  const dialog = control ? dialogOf(control) : null;
  if (!dialog || !previous?.control) return null;
  return dialog.contains(previous.control) ? previous.opener : previous.control;
}

/** A classified submission, named and kinded by the input that led to it where that says more. */
export function withWording(classified: Classified | null, wording: Wording | null): Classified | null {
  if (!classified || !wording?.label) return classified;
  const kind = classified.kind === 'submit' && wording.kind && wording.kind !== 'benign' ? wording.kind : classified.kind;
  return { kind, label: wording.label };
}
