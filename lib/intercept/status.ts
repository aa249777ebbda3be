export interface Status {
  show(text: string): void;
  hide(): void;
}

/**
 * The in-page notice an agent reads: an ARIA live region in its own shadow root, pinned to
 * a corner and click-through, so it never takes a click from the page's own controls.
 */
export function createStatus(doc: Document): Status {
  let region: HTMLElement | null = null;
  let host: HTMLElement | null = null;

  function ensure(): HTMLElement {
    if (region && host?.isConnected) return region;
    host = doc.createElement('countersign-status');
    const root = host.attachShadow({ mode: 'open' });
    const style = doc.createElement('style');
    style.textContent = `:host{all:initial;position:fixed;right:8px;bottom:8px;z-index:2147483647;pointer-events:none}
div{font:13px/1.4 system-ui,sans-serif;background:#1f1f1f;color:#fff;padding:6px 10px;border-radius:6px;max-width:40ch;opacity:.92}
div:empty{display:none}`;
    region = doc.createElement('div');
    region.setAttribute('role', 'status');
    region.setAttribute('aria-live', 'polite');
    region.setAttribute('aria-label', 'Countersign');
    root.append(style, region);
    (doc.body ?? doc.documentElement).append(host);
    return region;
  }

  return {
    show(text) {
      ensure().textContent = text;
    },
    hide() {
      if (region) region.textContent = '';
    },
  };
}
