import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { clientSnippets, DEFAULT_PORT } from '../../scripts/launcher.mjs';

describe('npm run browser', () => {
  const snippets = clientSnippets(`http://127.0.0.1:${DEFAULT_PORT}`);

  it('prints a configuration for every client the README names', () => {
    expect(snippets.map((s) => s.client)).toEqual([
      'Countersign (the agent asks, declares its task, reads decisions)',
      'Playwright MCP',
      'chrome-devtools-mcp',
      'Playwright',
      'Puppeteer',
      'Selenium (Python)',
      'WebdriverIO',
      'browser-use',
      'Stagehand',
    ]);
  });

  it('is documented in the README with the very settings it prints for the default port', () => {
    const readme = readFileSync('README.md', 'utf8');
    for (const { client, snippet } of snippets) {
      expect(readme, client).toContain(`**${client}**`);
      expect(readme, client).toContain(snippet);
    }
  });
});
