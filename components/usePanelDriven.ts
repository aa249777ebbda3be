import { useEffect, useState } from 'react';
import { browser } from 'wxt/browser';

const POLL_MS = 2000;

/** How an agent could be clicking in this panel: a DevTools-protocol client, or WebDriver (Firefox). */
export type PanelDriver = 'devtools' | 'webdriver';

/**
 * Whether something that drives the browser can also drive Countersign's own pages; the
 * person should know. Firefox has no debugger API to ask, but sets navigator.webdriver in
 * every page, this one included, while a WebDriver client controls the browser.
 */
export function usePanelDriven(): PanelDriver | null {
  const [attached, setAttached] = useState(false);
  useEffect(() => {
    if (import.meta.env.FIREFOX) return;
    const origin = browser.runtime.getURL('/');
    const check = () =>
      void browser.debugger
        .getTargets()
        .then((targets) => setAttached(targets.some((target) => target.attached && target.url.startsWith(origin))))
        .catch(() => setAttached(false));
    check();
    const timer = setInterval(check, POLL_MS);
    return () => clearInterval(timer);
  }, []);
  if (import.meta.env.FIREFOX) return navigator.webdriver ? 'webdriver' : null;
  return attached ? 'devtools' : null;
}
