/**
 * DOM reads a page cannot clobber. A form's named fields shadow its own properties (a hidden
 * `<input name="action">` makes `form.action` that input; `name="id"` takes `form.id`), and
 * so do named elements on `document`. Every read of a form or document goes through the
 * prototypes' own getters and methods instead, looked up once, on first use (never at module
 * load: WXT imports entrypoints in Node at build time).
 */
interface Natives {
  getAttribute: (this: Element, name: string) => string | null;
  hasAttribute: (this: Element, name: string) => boolean;
  querySelector: (this: Element, selector: string) => Element | null;
  querySelectorAll: (this: Element, selector: string) => NodeListOf<Element>;
  closest: (this: Element, selector: string) => Element | null;
  matches: (this: Element, selector: string) => boolean;
  textContent: (this: Element) => string | null;
  parentElement: (this: Element) => Element | null;
  formElements: (this: HTMLFormElement) => HTMLFormControlsCollection;
  formAction: (this: HTMLFormElement) => string;
  buttonFormAction: (this: HTMLButtonElement) => string;
  inputFormAction: (this: HTMLInputElement) => string;
  requestSubmit: (this: HTMLFormElement, submitter?: HTMLElement | null) => void;
  submit: (this: HTMLFormElement) => void;
  documentTitle: (this: Document) => string;
  elementById: (this: Document, id: string) => Element | null;
}

let natives: Natives | undefined;
let loadedFor: unknown;

function getter(proto: object, name: string): (this: never) => unknown {
  for (let at: object | null = proto; at; at = Object.getPrototypeOf(at) as object | null) {
    const get = Object.getOwnPropertyDescriptor(at, name)?.get;
    if (get) return get as (this: never) => unknown;
  }
  throw new Error(`no native getter for ${name}`);
}

function load(): Natives {
  const g = globalThis;
  const element = g.Element.prototype;
  const form = g.HTMLFormElement.prototype;
  return {
    getAttribute: element.getAttribute,
    hasAttribute: element.hasAttribute,
    querySelector: element.querySelector,
    querySelectorAll: element.querySelectorAll,
    closest: element.closest,
    matches: element.matches,
    textContent: getter(element, 'textContent') as Natives['textContent'],
    parentElement: getter(element, 'parentElement') as Natives['parentElement'],
    formElements: getter(form, 'elements') as Natives['formElements'],
    formAction: getter(form, 'action') as Natives['formAction'],
    buttonFormAction: getter(g.HTMLButtonElement.prototype, 'formAction') as Natives['buttonFormAction'],
    inputFormAction: getter(g.HTMLInputElement.prototype, 'formAction') as Natives['inputFormAction'],
    requestSubmit: form.requestSubmit,
    submit: form.submit,
    documentTitle: getter(g.Document.prototype, 'title') as Natives['documentTitle'],
    elementById: g.Document.prototype.getElementById,
  };
}

function n(): Natives {
  // Reloaded if the realm changed (unit tests give each test its own window).
  if (!natives || loadedFor !== globalThis.Element) {
    natives = load();
    loadedFor = globalThis.Element;
  }
  return natives;
}

export const attr = (element: Element, name: string): string | null => n().getAttribute.call(element, name);
export const hasAttr = (element: Element, name: string): boolean => n().hasAttribute.call(element, name);
export const query = (element: Element, selector: string): Element | null => n().querySelector.call(element, selector);
export const queryAll = (element: Element, selector: string): Element[] =>
  Array.from(n().querySelectorAll.call(element, selector));
export const closest = (element: Element, selector: string): Element | null => n().closest.call(element, selector);
export const matches = (element: Element, selector: string): boolean => n().matches.call(element, selector);
export const textOf = (node: Element): string => n().textContent.call(node) ?? '';
export const parentOf = (node: Element): Element | null => n().parentElement.call(node);
export const formControls = (form: HTMLFormElement): Element[] => Array.from(n().formElements.call(form));
/** The form's `action`, resolved against the document's base URL (the page's URL when unset). */
export const formActionOf = (form: HTMLFormElement): string => n().formAction.call(form);
export const requestSubmitOf = (form: HTMLFormElement, submitter?: HTMLElement | null): void =>
  submitter ? n().requestSubmit.call(form, submitter) : n().requestSubmit.call(form);
export const submitOf = (form: HTMLFormElement): void => n().submit.call(form);
export const titleOf = (doc: Document): string => n().documentTitle.call(doc);
export const byId = (doc: Document, id: string): Element | null => n().elementById.call(doc, id);

/** The submitter's own `formaction`, resolved, when it has one. */
export function submitterAction(submitter: Element): string | null {
  if (!hasAttr(submitter, 'formaction')) return null;
  if (submitter instanceof HTMLButtonElement) return n().buttonFormAction.call(submitter);
  if (submitter instanceof HTMLInputElement) return n().inputFormAction.call(submitter);
  return null;
}
