import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withServerAndBrowser, hydrated } from './harness.js';

const ctx = withServerAndBrowser();

test('newcomer registers on the apex and lands on their new desktop', async () => {
  const page = await ctx.browser.newPage();
  await page.goto(ctx.server.url(''));
  await hydrated(page);
  await page.getByLabel('Username').fill('Someone');
  await page.getByText(/someone\.localhost:\d+ is available/).waitFor();
  await page.getByLabel('Password').fill('a long enough password');
  await page.getByRole('button', { name: 'Create my portfolio' }).click();
  await page.getByRole('heading', { name: "Welcome to someone's desktop" }).waitFor();
  assert.equal(page.url(), ctx.server.url('someone'));
  assert.equal(await page.title(), 'someone — portfolio');
  await page.close();
});

test('the form says when a name is taken or invalid, and keeps what was typed', async () => {
  const page = await ctx.browser.newPage();
  await page.goto(ctx.server.url(''));
  await hydrated(page);
  const username = page.getByLabel('Username');
  await username.fill('demo');
  await page.getByText('demo is taken').waitFor();
  await username.fill('www');
  await page.getByText('That name is reserved. Please choose another.').waitFor();
  await username.fill('fresh-name');
  await page.getByLabel('Password').fill('short');
  // The browser's own minlength check would stop the submit: bypass it to see the server's answer.
  await page.locator('form').evaluate((f) => f.setAttribute('novalidate', ''));
  await page.getByRole('button', { name: 'Create my portfolio' }).click();
  await page.getByText('Use at least 8 characters.').waitFor();
  assert.equal(await username.inputValue(), 'fresh-name');
  await page.close();
});

test('the landing page switches to Spanish and remembers it', async () => {
  const context = await ctx.browser.newContext();
  const page = await context.newPage();
  await page.goto(ctx.server.url(''));
  await hydrated(page);
  await page.getByRole('button', { name: 'Español' }).click();
  await page.getByRole('heading', { name: 'Crea tu portafolio' }).waitFor();
  await page.reload();
  await page.getByRole('heading', { name: 'Crea tu portafolio' }).waitFor();
  assert.equal(await page.locator('html').getAttribute('lang'), 'es');
  await context.close();
});
