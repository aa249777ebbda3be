import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { t } from '@/components/i18n';
import { SHORTCUTS } from '@/components/keyboard';

describe('the panel’s keys', () => {
  it('are listed in the README as the "?" overlay lists them', () => {
    const readme = readFileSync('README.md', 'utf8');
    for (const { keys, does } of SHORTCUTS) expect(readme).toContain(`| ${keys.map((key) => `\`${key}\``).join(' ')} | ${t(does)} |`);
  });

  it('give every key one meaning', () => {
    const keys = SHORTCUTS.flatMap((shortcut) => shortcut.keys);
    expect(new Set(keys).size).toBe(keys.length);
  });
});
