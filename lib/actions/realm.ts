/**
 * The DOM classes of a node's own window. In a content script that is the script's own
 * global (the fast path); a unit test hands in a window of its own, whose elements answer
 * to that window's classes, so no global needs stubbing.
 */
export type Realm = Window & typeof globalThis;

interface DomClasses {
  Element: Element;
  HTMLElement: HTMLElement;
  HTMLFormElement: HTMLFormElement;
  HTMLInputElement: HTMLInputElement;
  HTMLButtonElement: HTMLButtonElement;
  HTMLAnchorElement: HTMLAnchorElement;
  HTMLTextAreaElement: HTMLTextAreaElement;
  HTMLSelectElement: HTMLSelectElement;
}

export function realmOf(node: Node): Realm {
  const doc = node.ownerDocument ?? (node as Document);
  return doc === globalThis.document ? (globalThis as Realm) : (doc.defaultView ?? (globalThis as Realm));
}

/** `instanceof` against the class of the node's own window. */
export function is<K extends keyof DomClasses>(node: unknown, name: K): node is DomClasses[K] {
  if (!node || typeof node !== 'object' || !('ownerDocument' in node)) return false;
  return node instanceof (realmOf(node as Node)[name] as unknown as abstract new () => object);
}
