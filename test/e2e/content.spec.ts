import { expect, expectNothingReceived, expectReceivedOnce, test, type FixtureServer } from './fixtures';

// Judged by what is sent, not by the last control's words: a database admin tool whose "Drop"
// and "Delete" links ask in its own dialog and post SQL once "OK" is clicked, its SQL editor
// that lints over POST, its POST search form, and a Rails app whose "Delete" link builds a
// `_method=delete` form after a native confirm().

const ADMIN = '/real/dbadmin/index.php';

/** What the admin tool received for one route (it routes by `?route=`). */
const routed = (server: FixtureServer, route: string) =>
  server.requests.filter((request) => request.path === ADMIN && new URLSearchParams(request.query).get('route') === route);
const sqlOf = (body: string) => new URLSearchParams(body).get('sql_query');

test('"OK" in the tool’s own confirm dialog does not let DROP TABLE through: a deletion, named by the link that asked', async ({
  agent,
  panel,
  server,
}) => {
  await agent.goto(`${server.origin}/real/dbadmin/index.html`);
  await agent.getByRole('link', { name: 'Drop' }).click();
  await agent.getByRole('dialog').getByRole('button', { name: 'OK' }).click();
  const card = panel.card(/Drop → OK/);
  await expect(card).toContainText('Deletion');
  await expect(card).toContainText('DROP TABLE `orders`');
  await expect(card).toContainText('Do you really want to execute');
  await new Promise((done) => setTimeout(done, 500));
  expect(routed(server, '/sql')).toEqual([]);
  await panel.reject(/Drop → OK/, 'not asked to drop tables');
  await new Promise((done) => setTimeout(done, 500));
  expect(routed(server, '/sql')).toEqual([]);

  await agent.getByRole('link', { name: 'Delete' }).click();
  await agent.getByRole('dialog').getByRole('button', { name: 'OK' }).click();
  await expect(panel.card(/Delete → OK/)).toContainText('DELETE FROM `orders` WHERE `orders`.`id` = 17');
  await panel.approve(/Delete → OK/);
  await expect.poll(() => routed(server, '/sql').map((request) => sqlOf(request.body))).toEqual(['DELETE FROM `orders` WHERE `orders`.`id` = 17']);
  await expect(agent.locator('#result')).toHaveText('The row has been deleted.');
});

test('the SQL editor’s lint requests pass with no card; one "Go" with an UPDATE is one card, and nothing stays pending', async ({
  agent,
  panel,
  server,
}) => {
  await agent.goto(`${server.origin}/real/dbadmin/index.html`);
  await agent.getByRole('tab', { name: 'SQL' }).click();
  await expect.poll(() => routed(server, '/lint').length).toBe(1); // the editor lints as it opens
  await agent.getByRole('textbox', { name: /Run SQL query/ }).fill("UPDATE `orders` SET `total` = 0 WHERE `id` = 17");
  await expect.poll(() => routed(server, '/lint').length).toBe(2); // and on each change
  await agent.getByRole('button', { name: 'Go' }).click();
  await expect(panel.queue.cards).toHaveCount(1);
  const card = panel.card('Go');
  await expect(card).toContainText('UPDATE `orders` SET `total` = 0');
  // The rule a card offers names the route the app's query carries, not every route of index.php.
  await card.getByText('Rules for').click();
  await expect(card.getByRole('button', { name: /^Always allow POST \/real\/dbadmin\/index\.php\?route=\/import on/ })).toBeVisible();
  expect(routed(server, '/import')).toEqual([]);
  await panel.approve('Go');
  await expect.poll(() => routed(server, '/import').map((request) => sqlOf(request.body))).toEqual(['UPDATE `orders` SET `total` = 0 WHERE `id` = 17']);
  await expect.poll(() => routed(server, '/lint').length).toBe(3); // the run's own lint, covered by the approval
  await expect(panel.queue.cards).toHaveCount(0);
});

test('a POST search form routed by its query string (?route=/table/search) passes as a search', async ({ agent, panel, server }) => {
  await agent.goto(`${server.origin}/real/dbadmin/index.html`);
  await agent.getByRole('tab', { name: 'Search' }).click();
  await agent.getByRole('textbox', { name: 'customer' }).fill('Ruiz');
  await agent.getByRole('button', { name: 'Go' }).click();
  await expect.poll(() => routed(server, '/table/search').length).toBe(1);
  await expect(panel.queue.empty).toBeVisible();
});

test('a Rails data-method="delete" link is a deletion of DELETE /issues/9, named by the link and its confirm()', async ({
  agent,
  panel,
  server,
}) => {
  await agent.goto(`${server.origin}/real/rails-issues.html`);
  agent.once('dialog', (dialog) => void dialog.accept());
  await agent.getByRole('link', { name: 'Delete' }).click();
  const card = panel.card(/Delete \(“Are you sure\?/);
  await expect(card).toContainText('Deletion');
  await expect(card).toContainText(`DELETE ${server.origin}/issues/9`);
  await expect(card).toContainText('sent as POST, with a method override');
  await expectNothingReceived(server, '/issues/9');
  await panel.approve(/Delete \(“Are you sure\?/);
  const sent = await expectReceivedOnce(server, '/issues/9');
  expect(Object.fromEntries(new URLSearchParams(sent.body))).toEqual({ _method: 'delete', authenticity_token: 'Zm9vYmFyYmF6cXV4' });
});

test('one input, one card: the edit a wiki saves beside its stash joins the stash’s card and is decided with it', async ({ agent, panel, server }) => {
  await agent.goto(`${server.origin}/real/wiki-ve.html`);
  await agent.getByRole('button', { name: 'Save changes' }).click();
  await expect(panel.queue.cards).toHaveCount(1);
  const card = panel.card('Save changes');
  await expect(card.getByRole('row', { name: 'action stashedit' })).toBeVisible();
  await expect(card).toContainText('Also sends');
  await expect(card).toContainText('action=visualeditoredit');
  await expectNothingReceived(server, '/w/api.php');
  await panel.approve('Save changes');
  await expect.poll(() => server.received('/w/api.php').map((request) => new URLSearchParams(request.body).get('action')).sort()).toEqual([
    'stashedit',
    'visualeditoredit',
  ]);
  await expect(agent.locator('#notice')).toHaveText('Your edit was saved.');
  await expect(panel.queue.cards).toHaveCount(0);

  // Rejected, neither leaves, and the editor hears that saving failed.
  server.reset();
  await agent.getByRole('button', { name: 'Save changes' }).click();
  await expect(panel.card('Save changes')).toContainText('action=visualeditoredit');
  await panel.reject('Save changes', 'no edits to this article');
  await expect(agent.locator('#notice')).toHaveText('Saving failed.');
  await expectNothingReceived(server, '/w/api.php');
  await expect(panel.queue.cards).toHaveCount(0);
});
