import { describe, expect, it } from 'vitest';
import { contentKind, effectiveMethod } from '@/lib/actions/content';
import { isReadOnlyRequest, isReadOnlyRoute } from '@/lib/actions/requests';
import { classifyWording } from '@/lib/actions/wording';

const post = (fields: [string, string][], over: { override?: string; text?: string } = {}) => ({ method: 'POST', fields, ...over });

describe('what a request carries', () => {
  it('reads the method a server acts on from _method and override headers, and only a writing one', () => {
    expect(effectiveMethod(post([['_method', 'delete']]))).toBe('DELETE');
    expect(effectiveMethod(post([['method', 'patch']]))).toBe('PATCH');
    expect(effectiveMethod(post([], { override: 'PUT' }))).toBe('PUT');
    expect(effectiveMethod(post([['_method', 'get']]))).toBe('POST'); // an override to a read is not believed
    expect(effectiveMethod({ method: 'delete', fields: [] })).toBe('DELETE');
  });

  it.each([
    ['DELETE', { method: 'DELETE', fields: [] }, 'delete'],
    ['PUT', { method: 'PUT', fields: [] }, 'submit'],
    ['a _method=delete form', post([['_method', 'delete']]), 'delete'],
    ['an override header', post([], { override: 'PATCH' }), 'submit'],
    ['DROP TABLE', post([['sql_query', 'DROP TABLE `orders`']]), 'delete'],
    ['DELETE FROM after a comment', post([['q', '-- tidy up\n  delete from orders where id = 3']]), 'delete'],
    ['a second statement that truncates', post([['sql', 'SELECT 1; TRUNCATE sessions']]), 'delete'],
    ['UPDATE … SET', post([['sql_query', 'UPDATE `orders` SET `total` = 0']]), 'submit'],
    ['INSERT INTO', post([['sql', 'insert into users (name) values (1)']]), 'submit'],
    ['ALTER TABLE … DROP', post([['sql', 'ALTER TABLE users DROP COLUMN email']]), 'delete'],
    ['a GraphQL mutation', post([['query', 'mutation { updateProfile(name: "x") { id } }']]), 'submit'],
    ['a destructive GraphQL mutation', post([['query', 'mutation Remove { deleteRepository(id: 4) { id } }']]), 'delete'],
    ['a JSON body as text', { method: 'POST', fields: [], text: 'DROP DATABASE shop' }, 'delete'],
  ])('%s', (_name, content, kind) => expect(contentKind(content)).toBe(kind));

  it.each([
    ['a SELECT', post([['sql_query', 'SELECT * FROM orders WHERE 1']])],
    ['a GraphQL query', post([['query', '{ viewer { login } }']])],
    ['prose that mentions SQL words', post([['comment', 'Please update the docs; we dropped support for IE and will delete old builds']])],
    ['a plain POST', post([['email', 'a@b.example']])],
  ])('%s commits nothing by its content', (_name, content) => expect(contentKind(content)).toBeNull());
});

describe('routes in the query', () => {
  it('reads ?route= and ?action= like paths for search, lint, preview and validation', () => {
    expect(isReadOnlyRoute('https://db.example/index.php?route=/table/search')).toBe(true);
    expect(isReadOnlyRoute('https://db.example/index.php?route=/lint')).toBe(true);
    expect(isReadOnlyRoute('https://wiki.example/w/api.php?action=query&list=search')).toBe(true);
    expect(isReadOnlyRoute('https://db.example/index.php?route=/sql')).toBe(false);
    expect(isReadOnlyRoute('https://wiki.example/w/api.php?action=stashedit')).toBe(false);
    const lint = { method: 'POST', url: '/index.php?route=/lint', keepalive: false, fields: [['sql_query', 'UPDATE x SET y = 1']] as [string, string][] };
    expect(isReadOnlyRequest(lint, 'https://db.example/')).toBe(true);
  });

  it('words for dropping and truncating are destructive; a bare "OK" is benign', () => {
    expect(classifyWording('Drop')).toBe('delete');
    expect(classifyWording('Drop table')).toBe('delete');
    expect(classifyWording('Drop-down menu')).toBeNull();
    expect(classifyWording('Empty (truncate)')).toBe('delete');
    expect(classifyWording('OK')).toBe('benign');
  });
});
