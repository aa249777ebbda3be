// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import {
  classifyClick,
  classifyForm,
  composerSend,
  effectiveSubmission,
  fieldScope,
  findControl,
  formFields,
  recipientsOf,
  scopeFields,
  snapshotTarget,
} from '@/lib/actions/dom';

/** The fields of a form as the interceptor snapshots them. */
function collectFields(form: HTMLFormElement) {
  const { elements, truncated } = formFields(form);
  return { fields: elements.map(snapshotTarget), truncated };
}

function render(html: string): HTMLElement {
  document.body.innerHTML = html;
  return document.body;
}

const form = () => document.querySelector('form')!;
const submitter = () => document.querySelector<HTMLElement>('button, input[type=submit]');

describe('classifyForm', () => {
  it.each([
    ['<form method="post"><input name="q"><button>Place order</button></form>', 'purchase'],
    ['<form method="POST"><input name="to"><button>Send</button></form>', 'send'],
    ['<form method="post"><input name="user"><input type="password" name="pw"><button>Sign in</button></form>', 'submit'],
    ['<form method="post"><input name="theme"><button>Save settings</button></form>', 'submit'],
    ['<form method="post"><input autocomplete="cc-number" name="c"><button>Continue</button></form>', 'purchase'],
    ['<form method="post"><input type="submit" value="Jetzt kaufen"></form>', 'purchase'],
    ['<form method="get"><input name="q"><button>Buy</button></form>', null],
    ['<form><input name="q"><button>Go</button></form>', null],
    ['<div role="search"><form method="post"><input name="q"><button>Go</button></form></div>', null],
    ['<form method="post"><input type="search" name="q"><button>Go</button></form>', null],
    ['<form method="post"><input type="hidden" name="sku"><button>Add to cart</button></form>', null],
    ['<form method="post"><button formmethod="get">Filter</button></form>', null],
  ])('%s -> %s', (html, kind) => {
    render(html);
    expect(classifyForm(form(), submitter())?.kind ?? null).toBe(kind);
  });
});

describe('classifyClick', () => {
  it.each([
    ['<button type="button">Buy now</button>', 'purchase'],
    ['<div role="button">Send</div>', 'send'],
    ['<a href="#">Pay now</a>', 'purchase'],
    ['<a href="javascript:void 0">Reply</a>', 'send'],
    ['<a>Publish</a>', 'send'],
    ['<a href="/checkout">Checkout</a>', null],
    ['<a href="/next">Next</a>', null],
    ['<button role="tab">Reviews</button>', null],
    ['<button aria-label="Send message"><svg></svg></button>', 'send'],
    ['<button type="button">Add to cart</button>', null],
  ])('%s -> %s', (html, kind) => {
    render(html);
    const control = document.body.firstElementChild!;
    expect(classifyClick(control)?.kind ?? null).toBe(kind);
  });

  it('finds the control from an icon inside it', () => {
    render('<button><span><b id="icon">Send</b></span></button>');
    const icon = document.getElementById('icon')!;
    expect(findControl([icon, icon.parentElement!, icon.parentElement!.parentElement!])?.tagName).toBe('BUTTON');
  });
});

describe('composerSend', () => {
  const enter = (init: KeyboardEventInit = {}) => new KeyboardEvent('keydown', { key: 'Enter', ...init });

  it('holds plain Enter in a one-line chat composer', () => {
    render('<textarea rows="1" placeholder="Message #general"></textarea>');
    expect(composerSend(document.querySelector('textarea')!, enter())?.kind).toBe('send');
  });

  it('lets Shift+Enter insert a new line', () => {
    render('<textarea rows="1" placeholder="Message #general"></textarea>');
    expect(composerSend(document.querySelector('textarea')!, enter({ shiftKey: true }))).toBeNull();
  });

  it('lets plain Enter through in a tall email body, but holds Ctrl+Enter next to Send', () => {
    render('<form><textarea name="body" rows="10"></textarea><button>Send</button></form>');
    const body = document.querySelector('textarea')!;
    expect(composerSend(body, enter())).toBeNull();
    expect(composerSend(body, enter({ ctrlKey: true }))?.kind).toBe('send');
    expect(composerSend(body, enter({ metaKey: true }))?.label).toBe('Cmd+Enter in body');
  });

  it('ignores Enter in a plain text field (implicit submission is handled as a submit)', () => {
    render('<input aria-label="Message">');
    expect(composerSend(document.querySelector('input')!, enter())).toBeNull();
  });

  it('ignores other keys', () => {
    render('<textarea rows="1" placeholder="Message"></textarea>');
    expect(composerSend(document.querySelector('textarea')!, new KeyboardEvent('keydown', { key: 'a' }))).toBeNull();
  });
});

describe('collectFields', () => {
  it('labels fields, masks secrets and skips buttons and unchecked boxes', () => {
    render(`<form>
      <label for="n">Full name</label><input id="n" name="name" value="Ada">
      <input name="pw" type="password" value="hunter2">
      <input name="card" autocomplete="cc-number" value="4242 4242 4242 4242">
      <input name="nick" aria-label="Nickname" value="ada">
      <input type="checkbox" name="news" value="yes">
      <input type="hidden" name="token" value="t1">
      <button>Go</button></form>`);
    const { fields, truncated } = collectFields(form());
    expect(truncated).toBe(false);
    expect(fields).toEqual([
      { name: 'name', label: 'Full name', type: 'text', value: 'Ada' },
      { name: 'pw', label: 'pw', type: 'password', value: '••••••', masked: true },
      { name: 'card', label: 'card', type: 'text', value: '•••• 4242', masked: true },
      { name: 'nick', label: 'Nickname', type: 'text', value: 'ada' },
      { name: 'token', label: 'token', type: 'hidden', value: 't1', hidden: true },
    ]);
    expect(JSON.stringify(fields)).not.toContain('hunter2');
  });

  it('caps the number of fields and the length of values, and says so', () => {
    const many = Array.from({ length: 250 }, (_, i) => `<input name="f${i}" value="v">`).join('');
    render(`<form>${many}<textarea name="long">${'x'.repeat(5000)}</textarea></form>`);
    const { fields, truncated } = collectFields(form());
    expect(fields).toHaveLength(200);
    expect(truncated).toBe(true);
    render(`<form><textarea name="long">${'x'.repeat(5000)}</textarea></form>`);
    const [long] = collectFields(form()).fields;
    expect(long!.value).toHaveLength(2000);
    expect(long!.truncated).toBe(true);
  });

  it('reads recipients from To and Cc', () => {
    render('<form><input name="to" value="a@x.org, b@y.org"><input name="cc" value="c@z.org"><input name="subject" value="Hi"></form>');
    expect(recipientsOf(collectFields(form()).fields)).toEqual(['a@x.org', 'b@y.org', 'c@z.org']);
  });
});

// A form's named fields shadow its own properties in real browsers (`form.action` becomes the
// <input name="action">). happy-dom does not do this, so each case shadows the property the
// way the browser would, with the field itself, and the reads must not notice.
describe('reads that a form cannot clobber', () => {
  // Fields named getAttribute, querySelector or nodeName break happy-dom's own getters and
  // Playwright's page script, so neither harness can drive such a form; they are left out.
  const CLOBBERED = ['action', 'id', 'method', 'target', 'submit', 'elements', 'enctype', 'closest', 'textContent'];

  function clobberedForm(): HTMLFormElement {
    render(
      `<div id="wrap"><form id="settings" method="post" action="/wp-admin/options.php" aria-label="Settings">
        ${CLOBBERED.map((name) => `<input type="hidden" name="${name}" value="v-${name}">`).join('')}
        <input name="blogname" value="My Blog"><button type="submit">Save Changes</button></form></div>`,
    );
    const f = form();
    for (const name of CLOBBERED) {
      Object.defineProperty(f, name, { value: document.querySelector(`[name="${name}"]`), configurable: true });
    }
    return f;
  }

  it.each(CLOBBERED)('a field named %s leaves classification, destination and fields intact', (name) => {
    const f = clobberedForm();
    expect((f as unknown as Record<string, unknown>)[name]).toBeInstanceOf(HTMLInputElement); // really shadowed
    const button = document.querySelector('button')!;
    expect(classifyForm(f, button)).toEqual({ kind: 'submit', label: 'Save Changes' });
    const destination = effectiveSubmission(f, button);
    expect(destination.method).toBe('post');
    expect(new URL(destination.action).pathname).toBe('/wp-admin/options.php');
    const { fields } = collectFields(f);
    expect(fields.find((field) => field.name === name)?.value).toBe(`v-${name}`);
    expect(fields.find((field) => field.name === 'blogname')?.value).toBe('My Blog');
  });
});

describe('the effective submission', () => {
  it.each([
    ['the form’s own action and method', '<form method="post" action="/a"><button>Go</button></form>', '/a', 'post'],
    ['formaction on the button', '<form method="post" action="/a"><button formaction="https://other.example/b">Go</button></form>', 'https://other.example/b', 'post'],
    ['formmethod post on a GET form', '<form action="/a"><button formmethod="post">Go</button></form>', '/a', 'post'],
    ['formmethod get on a POST form', '<form method="post" action="/a"><button formmethod="get">Go</button></form>', '/a', 'get'],
    ['an unknown method falls back to get', '<form method="teleport" action="/a"><button>Go</button></form>', '/a', 'get'],
    ['an image input with formaction', '<form method="post" action="/a"><input type="image" alt="Go" formaction="/c"></form>', '/c', 'post'],
  ])('%s', (_name, html, action, method) => {
    render(html);
    const submitter = document.querySelector('button, input')!;
    const destination = effectiveSubmission(form(), submitter);
    expect(new URL(destination.action, location.href).href).toBe(new URL(action, location.href).href);
    expect(destination.method).toBe(method);
  });

  it('a button outside its form (form="…") submits that form, to its own formaction', () => {
    render('<form id="f" method="post" action="/a"><input name="x" value="1"></form><button form="f" formaction="/outside">Sync</button>');
    const button = document.querySelector('button')!;
    expect(button.form).toBe(form());
    expect(new URL(effectiveSubmission(button.form!, button).action).pathname).toBe('/outside');
    expect(effectiveSubmission(button.form!, button).target).toBeUndefined();
  });

  it('keeps formtarget and formenctype', () => {
    render('<form method="post" action="/a"><button formtarget="_blank" formenctype="multipart/form-data">Go</button></form>');
    expect(effectiveSubmission(form(), document.querySelector('button'))).toMatchObject({ target: '_blank', enctype: 'multipart/form-data' });
  });
});

describe('fields of a form-less form', () => {
  it('a compose dialog gives its To, Subject and body, and the recipients come from To', () => {
    render(`<div role="dialog" aria-label="New Message"><input aria-label="To recipients" value="grace@navy.example">
      <input aria-label="Subject" value="Compilers"><div contenteditable="true" aria-label="Message Body">Hi</div>
      <div role="button" aria-label="Send">✉</div></div>`);
    const send = document.querySelector('[role=button]')!;
    const { elements } = scopeFields(fieldScope(send)!);
    const fields = elements.map(snapshotTarget);
    expect(fields.map((field) => field.label)).toEqual(['To recipients', 'Subject', 'Message Body']);
    expect(recipientsOf(fields)).toEqual(['grace@navy.example']);
  });

  it('a sign-in in a plain <div> gives its email and a masked password', () => {
    render('<div class="login"><input id="email" value="ada@x.org"><input type="password" value="pw1"><button aria-label="Login">→</button></div>');
    const { elements } = scopeFields(fieldScope(document.querySelector('button')!)!);
    expect(elements.map(snapshotTarget).map((field) => field.value)).toEqual(['ada@x.org', '••••••']);
  });
});
