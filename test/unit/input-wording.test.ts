// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import type { Input } from '@/lib/intercept/held';
import { openerOf, withWording, wordingOf } from '@/lib/intercept/input-wording';

const input = (control: Element | null, opener: Element | null = null): Input => ({ at: 0, trusted: false, control, opener });

describe('what an input says it does', () => {
  it('lets a confirmation dialog’s OK speak with the control that opened it and the dialog’s question', () => {
    document.body.innerHTML = `<a id="drop" href="#">Drop</a>
      <div role="dialog"><p>Do you really want to execute "DROP TABLE orders"?</p><button id="ok">OK</button><button>Cancel</button></div>`;
    const drop = document.getElementById('drop')!;
    const ok = document.getElementById('ok')!;
    const opener = openerOf(ok, input(drop));
    expect(opener).toBe(drop);
    expect(wordingOf(input(ok, opener))).toEqual({ label: 'Drop → OK (“Do you really want to execute "DROP TABLE orders"?”)', kind: 'delete' });
    // A second control in the same dialog keeps the first opener.
    expect(openerOf(ok, input(ok, drop))).toBe(drop);
    expect(openerOf(drop, input(ok, drop))).toBeNull(); // outside any dialog
  });

  it('takes a native confirm()’s text as the question, and is benign only when nothing says more', () => {
    document.body.innerHTML = '<a id="del" href="/issues/9">Remove</a><button id="ok">OK</button>';
    const link = document.getElementById('del')!;
    expect(wordingOf(input(link), 'Are you sure?')).toEqual({ label: 'Remove (“Are you sure?”)', kind: 'delete' });
    expect(wordingOf(input(document.getElementById('ok')!)).kind).toBe('benign');
  });

  it('names a classified submission by the input that led to it, and lends its kind to a plain submit', () => {
    const wording = { label: 'Delete (“Sure?”)', kind: 'delete' as const };
    expect(withWording({ kind: 'submit', label: 'form' }, wording)).toEqual({ kind: 'delete', label: 'Delete (“Sure?”)' });
    expect(withWording({ kind: 'purchase', label: 'form' }, wording)).toEqual({ kind: 'purchase', label: 'Delete (“Sure?”)' });
    expect(withWording(null, wording)).toBeNull();
  });
});
