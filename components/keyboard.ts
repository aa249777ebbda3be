import { useEffect } from 'react';
import { t } from './i18n';

/** The panel's keys: listed in the "?" overlay and the README from this one table (`does` is a message). */
export const SHORTCUTS = [
  { keys: ['j', '↓'], does: 'keys.next' },
  { keys: ['k', '↑'], does: 'keys.previous' },
  { keys: ['a'], does: 'keys.approve' },
  { keys: ['r'], does: 'keys.reject' },
  { keys: ['n'], does: 'keys.note' },
  { keys: ['e'], does: 'keys.edit' },
  { keys: ['1', '…', '9'], does: 'keys.option' },
  { keys: ['←', '→'], does: 'keys.views' },
  { keys: ['?'], does: 'keys.help' },
  { keys: ['Alt+Shift+C'], does: 'keys.openPanel' },
] as const;

/** Whether a key press belongs to what has focus (typing, a menu) rather than to the panel. */
export function isTyping(event: KeyboardEvent): boolean {
  if (event.ctrlKey || event.metaKey || event.altKey) return true;
  const target = event.target as HTMLElement | null;
  return Boolean(target?.closest('input, textarea, select, [contenteditable=""], [contenteditable="true"]'));
}

const cards = () => [...document.querySelectorAll<HTMLElement>('article.card')];
const currentCard = () => (document.activeElement as HTMLElement | null)?.closest<HTMLElement>('article.card') ?? null;

/**
 * The queue's keys. Each works on the card that has focus, through its own buttons, so a key
 * can do no more than a click: Approve stays disabled until the dwell is over, and on a
 * high-risk card it opens the typed confirmation instead of approving.
 */
export function useQueueKeys(say: (text: string) => void): void {
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (isTyping(event)) return;
      const card = currentCard();
      const move = (step: number) => {
        const all = cards();
        if (!all.length) return;
        const index = card ? all.indexOf(card) + step : step > 0 ? 0 : all.length - 1;
        const next = all[Math.min(all.length - 1, Math.max(0, index))]!;
        next.focus();
        next.scrollIntoView({ block: 'nearest' });
      };
      const press = (selector: string, unavailable: string) => {
        const button = card?.querySelector<HTMLButtonElement>(selector);
        if (!card) say(t('keys.noFocus'));
        else if (!button || button.disabled) say(unavailable);
        else button.click();
      };
      switch (event.key) {
        case 'j':
          move(1);
          break;
        case 'ArrowDown':
          if (!card) return;
          move(1);
          break;
        case 'k':
          move(-1);
          break;
        case 'ArrowUp':
          if (!card) return;
          move(-1);
          break;
        case 'a':
          press(':scope > .decide > .approve', t('keys.approveUnavailable'));
          break;
        case 'r':
          press(':scope > .decide > .reject', t('keys.rejectUnavailable'));
          break;
        case 'e':
          press(':scope > .decide > .edit', t('keys.nothingToEdit'));
          break;
        case '1':
        case '2':
        case '3':
        case '4':
        case '5':
        case '6':
        case '7':
        case '8':
        case '9':
          press(`:scope > .options > .option[data-key="${event.key}"]`, t('keys.noOption'));
          break;
        case 'n':
          if (!card) return;
          card.querySelector<HTMLTextAreaElement>('textarea')?.focus();
          break;
        default:
          return;
      }
      event.preventDefault();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [say]);
}
