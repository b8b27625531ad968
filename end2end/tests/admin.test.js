import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withServerAndBrowser, hydrated, postForm, logInAsOwner } from './harness.js';

const DEMO_PASSWORD = 'demo owner passphrase';
const ctx = withServerAndBrowser({ OWNER_EMAIL: 'boss@example.com', DEMO_PASSWORD });
const PASSWORD = 'the platform admin passphrase';

test('the account with OWNER_EMAIL manages plans and disables and enables a tenant from the Admin window', async () => {
  const context = await ctx.browser.newContext();
  const page = await context.newPage();
  await page.goto(ctx.server.url(''));
  await hydrated(page);
  await page.getByLabel('Username').fill('boss');
  await page.getByText(/boss\.localhost:\d+ is available/).waitFor();
  await page.getByLabel(/Email/).fill('boss@example.com');
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Create my portfolio' }).click();
  await page.getByRole('heading', { name: "Welcome to boss's desktop" }).waitFor();
  await hydrated(page);

  await logInAsOwner(page, ctx.server.url('boss'), PASSWORD);

  await page.locator('.start-button').click();
  await page.getByRole('menuitem', { name: /Platform admin/ }).click();
  const admin = page.getByRole('dialog', { name: 'Platform admin' });
  const demo = admin.getByRole('row').filter({ has: page.getByRole('rowheader', { name: /^demo/ }) });
  await demo.waitFor();
  // The admin's own tenant cannot be disabled from here.
  const own = admin.getByRole('row').filter({ has: page.getByRole('rowheader', { name: /^boss/ }) });
  assert.ok(await own.getByRole('button', { name: 'Disable' }).isDisabled());

  await demo.getByLabel('Plan demo').selectOption('premium');
  await admin.getByRole('status').getByText('demo: premium · active').waitFor();

  await demo.getByRole('button', { name: 'Disable' }).click();
  await admin.getByRole('status').getByText('demo: premium · disabled').waitFor();
  const visitor = await context.newPage();
  assert.equal((await visitor.goto(ctx.server.url('demo'))).status(), 404, 'a disabled tenant answers 404');

  await demo.getByRole('button', { name: 'Enable' }).click();
  await admin.getByRole('status').getByText('demo: premium · active').waitFor();
  assert.equal((await visitor.goto(ctx.server.url('demo'))).status(), 200);
  await context.close();
});

test('an owner who is not the platform admin gets no Admin entry and the admin functions refuse them', async () => {
  const context = await ctx.browser.newContext();
  const page = await context.newPage();
  await logInAsOwner(page, ctx.server.url('demo'), DEMO_PASSWORD);
  await page.locator('.start-button').click();
  await page.getByRole('menuitem', { name: /Memories/ }).waitFor();
  assert.equal(await page.getByRole('menuitem', { name: /Platform admin/ }).count(), 0);
  const refused = await postForm(page, '/api/admin_set_plan', { username: 'demo', plan: 'premium' });
  assert.equal(refused.status, 403);
  assert.match(refused.json.message, /Only the platform admin/);
  await context.close();
});
