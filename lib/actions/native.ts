import { is, realmOf, type Realm } from './realm';

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
let loadedFor: Realm | undefined;

function getter(proto: object, name: string): (this: never) => unknown {
  for (let at: object | null = proto; at; at = Object.getPrototypeOf(at) as object | null) {
    const get = Object.getOwnPropertyDescriptor(at, name)?.get;
    if (get) return get as (this: never) => unknown;
  }
  throw new Error(`no native getter for ${name}`);
}

function load(g: Realm): Natives {
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

/** The natives of the node's own window: reloaded when it changes (a unit test's window). */
function n(node: Node): Natives {
  const realm = realmOf(node);
  if (!natives || loadedFor !== realm) {
    natives = load(realm);
    loadedFor = realm;
  }
  return natives;
}

export const attr = (element: Element, name: string): string | null => n(element).getAttribute.call(element, name);
export const hasAttr = (element: Element, name: string): boolean => n(element).hasAttribute.call(element, name);
export const query = (element: Element, selector: string): Element | null => n(element).querySelector.call(element, selector);
export const queryAll = (element: Element, selector: string): Element[] =>
  Array.from(n(element).querySelectorAll.call(element, selector));
export const closest = (element: Element, selector: string): Element | null => n(element).closest.call(element, selector);
export const matches = (element: Element, selector: string): boolean => n(element).matches.call(element, selector);
export const textOf = (node: Element): string => n(node).textContent.call(node) ?? '';
export const parentOf = (node: Element): Element | null => n(node).parentElement.call(node);
export const formControls = (form: HTMLFormElement): Element[] => Array.from(n(form).formElements.call(form));
/** The form's `action`, resolved against the document's base URL (the page's URL when unset). */
export const formActionOf = (form: HTMLFormElement): string => n(form).formAction.call(form);
export const requestSubmitOf = (form: HTMLFormElement, submitter?: HTMLElement | null): void =>
  submitter ? n(form).requestSubmit.call(form, submitter) : n(form).requestSubmit.call(form);
export const submitOf = (form: HTMLFormElement): void => n(form).submit.call(form);
export const titleOf = (doc: Document): string => n(doc).documentTitle.call(doc);
export const byId = (doc: Document, id: string): Element | null => n(doc).elementById.call(doc, id);

/** The submitter's own `formaction`, resolved, when it has one. */
export function submitterAction(submitter: Element): string | null {
  if (!hasAttr(submitter, 'formaction')) return null;
  if (is(submitter, 'HTMLButtonElement')) return n(submitter).buttonFormAction.call(submitter);
  if (is(submitter, 'HTMLInputElement')) return n(submitter).inputFormAction.call(submitter);
  return null;
}
