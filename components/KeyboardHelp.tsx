import { useEffect, useRef } from 'react';
import { t } from './i18n';
import { isTyping, SHORTCUTS } from './keyboard';

/** The "?" overlay: every key the panel knows, in a modal dialog (Escape closes it). */
export function KeyboardHelp() {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== '?' || isTyping(event)) return;
      event.preventDefault();
      const element = dialog.current;
      if (!element) return;
      if (element.open) element.close();
      else element.showModal();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
  return (
    <>
      <button className="help-button" aria-label={t('keys.button')} aria-keyshortcuts="?" onClick={() => dialog.current?.showModal()}>
        ?
      </button>
      <dialog ref={dialog} className="help" aria-labelledby="keyboard-help-title">
        <h2 id="keyboard-help-title">{t('keys.title')}</h2>
        <table>
          <tbody>
            {SHORTCUTS.map(({ keys, does }) => (
              <tr key={does}>
                <th scope="row">
                  {keys.map((key) => (
                    <kbd key={key}>{key}</kbd>
                  ))}
                </th>
                <td>{t(does)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <form method="dialog">
          <button>{t('common.close')}</button>
        </form>
      </dialog>
    </>
  );
}
