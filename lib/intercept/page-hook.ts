/** Fired at a form by the MAIN-world hook when page script calls form.submit(). */
export const FORM_SUBMIT_EVENT = 'countersign:form-submit';

/**
 * Runs in the page's own world at document_start, before page scripts, with no extension
 * APIs. form.submit() fires no submit event, so it is rerouted through a cancelable DOM
 * event: when the isolated world takes it (preventDefault), the submission is its to hold
 * or let through; with no isolated world listening, the page behaves as without us.
 * The page can fire the same event itself, which only ever asks for a hold.
 */
export function installPageHook(win: Window & typeof globalThis): void {
  const proto = win.HTMLFormElement.prototype;
  const nativeSubmit = proto.submit;
  const dispatch = win.EventTarget.prototype.dispatchEvent;
  const CustomEventCtor = win.CustomEvent;
  const apply = Reflect.apply;
  Object.defineProperty(proto, 'submit', {
    configurable: true,
    enumerable: true,
    writable: true,
    value: function submit(this: HTMLFormElement) {
      const event = new CustomEventCtor(FORM_SUBMIT_EVENT, { bubbles: true, cancelable: true, composed: true });
      if (apply(dispatch, this, [event])) apply(nativeSubmit, this, []);
    },
  });
}
