import { useEffect, useState } from 'react';
import { browser } from 'wxt/browser';

const POLL_MS = 2000;

/**
 * Whether a DevTools-protocol client is attached to one of Countersign's own pages. An agent
 * that drives the whole browser can click in this panel too; the person should know.
 */
export function usePanelDebugger(): boolean {
  const [attached, setAttached] = useState(false);
  useEffect(() => {
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
  return attached;
}
