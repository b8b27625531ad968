import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withServerAndBrowser, hydrated } from './harness.js';

const ctx = withServerAndBrowser();

test('visitor sees the demo portfolio rendered by the server, without JavaScript', async () => {
  const context = await ctx.browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  const res = await page.goto(ctx.server.url('demo'));
  assert.equal(res.status(), 200);
  assert.equal(await page.title(), 'Ada Demo — portfolio');
  await page.getByRole('heading', { name: "Hi, I'm Ada" }).waitFor();
  assert.ok(await page.getByRole('link', { name: 'projects' }).isVisible());
  const description = await page.locator('meta[name="description"]').getAttribute('content');
  assert.equal(description, 'The portfolio of Ada Demo.');
  await context.close();
});

test('visitor opens a folder and a file in windows without reloading the page', async () => {
  const page = await ctx.browser.newPage();
  await page.goto(ctx.server.url('demo'));
  await hydrated(page);
  await page.evaluate(() => { window.__sameDocument = true; });

  await page.getByRole('link', { name: 'projects' }).first().click();
  const explorer = page.locator('section.window[data-kind="explorer"]');
  await explorer.getByRole('link', { name: 'tinykv' }).waitFor();
  assert.match(page.url(), /\/files\/projects$/);

  await explorer.getByRole('link', { name: 'tinykv' }).click();
  await explorer.getByRole('link', { name: 'design.md' }).click();
  const viewer = page.getByRole('dialog', { name: 'design.md' });
  await viewer.getByRole('heading', { name: 'tinykv — design' }).waitFor();
  assert.match(page.url(), /\/files\/projects\/tinykv\/design\.md$/);
  assert.equal(await page.evaluate(() => window.__sameDocument), true, 'the page must not reload');

  // Up goes back through the tree (focus the explorer first: the viewer sits on top of it).
  await explorer.locator('header.titlebar h2').click();
  await explorer.getByRole('button', { name: 'Up one level' }).click();
  await explorer.getByRole('link', { name: 'readme.md' }).waitFor();
  await page.close();
});

test('a deep link opens the file in its window on first load', async () => {
  const page = await ctx.browser.newPage();
  const res = await page.goto(ctx.server.url('demo', '/files/blog/2026-why-rust.md'));
  assert.equal(res.status(), 200);
  await page.getByRole('dialog', { name: '2026-why-rust.md' }).getByRole('heading', { name: 'Why I write Rust in 2026' }).waitFor();
  await hydrated(page);
  // The folder is open beside it, and the browser's Back button returns to it.
  await page.getByRole('dialog', { name: 'blog' }).waitFor();
  await page.close();
});

test('keyboard: arrows move through a folder, Enter opens, Backspace goes up', async () => {
  const page = await ctx.browser.newPage();
  await page.goto(ctx.server.url('demo', '/files/projects'));
  await hydrated(page);
  // The window's name follows its folder, so find it by kind.
  const explorer = page.locator('section.window[data-kind="explorer"]');
  await explorer.getByRole('link', { name: 'tinykv' }).focus();
  await page.keyboard.press('ArrowRight');
  assert.equal(await page.evaluate(() => document.activeElement?.querySelector('.name')?.textContent), 'trail-maps');
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('Enter');
  await explorer.getByRole('link', { name: 'design.md' }).waitFor();
  await explorer.getByRole('link', { name: 'design.md' }).focus();
  await page.keyboard.press('Backspace');
  await explorer.getByRole('link', { name: 'trail-maps' }).waitFor();
  await page.close();
});

test("the browser's Back button returns to the previous folder", async () => {
  const page = await ctx.browser.newPage();
  await page.goto(ctx.server.url('demo', '/files/projects'));
  await hydrated(page);
  const explorer = page.getByRole('dialog', { name: 'projects' });
  await explorer.getByRole('link', { name: 'tinykv' }).click();
  await page.getByRole('dialog', { name: 'tinykv' }).getByRole('link', { name: 'design.md' }).waitFor();
  await page.getByRole('dialog', { name: 'tinykv' }).getByRole('link', { name: 'design.md' }).click();
  await page.getByRole('dialog', { name: 'design.md' }).waitFor();
  await page.goBack();
  await page.waitForURL(/\/files\/projects\/tinykv$/);
  await page.getByRole('dialog', { name: 'tinykv' }).waitFor();
  await page.close();
});

test('an unknown page on a portfolio shows the desktop with a not-found notice', async () => {
  const page = await ctx.browser.newPage();
  const res = await page.goto(ctx.server.url('demo', '/no/such/page'));
  assert.equal(res.status(), 404);
  await page.getByRole('alert').filter({ hasText: '/no/such/page' }).waitFor();
  await page.close();
});

test('a link to a missing file shows the desktop with a not-found notice and a 404 status', async () => {
  const page = await ctx.browser.newPage();
  const res = await page.goto(ctx.server.url('demo', '/files/nope.md'));
  assert.equal(res.status(), 404);
  await page.getByRole('alert').filter({ hasText: 'There is no page at this address.' }).waitFor();
  await page.close();
});

test('visitor drags a window by its title bar, resizes, minimises and restores it', async () => {
  const page = await ctx.browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(ctx.server.url('demo'));
  await hydrated(page);
  const win = page.getByRole('dialog', { name: 'README.md' });
  const before = await win.boundingBox();
  const title = win.locator('header.titlebar h2');
  const box = await title.boundingBox();
  await page.mouse.move(box.x + 20, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + 140, box.y + box.height / 2 + 90, { steps: 8 });
  await page.mouse.up();
  const moved = await win.boundingBox();
  assert.ok(Math.abs(moved.x - before.x - 120) <= 2, `moved x by ${moved.x - before.x}`);
  assert.ok(Math.abs(moved.y - before.y - 90) <= 2, `moved y by ${moved.y - before.y}`);

  const handle = win.getByRole('separator', { name: 'Resize window' });
  const h = await handle.boundingBox();
  await page.mouse.move(h.x + 5, h.y + 5);
  await page.mouse.down();
  await page.mouse.move(h.x + 105, h.y + 55, { steps: 5 });
  await page.mouse.up();
  const resized = await win.boundingBox();
  assert.ok(Math.abs(resized.width - moved.width - 100) <= 2, `width grew by ${resized.width - moved.width}`);

  await win.getByRole('button', { name: 'Minimize' }).click();
  await win.waitFor({ state: 'hidden' });
  await page.getByRole('navigation', { name: 'Taskbar' }).getByRole('button', { name: 'README.md' }).click();
  await win.waitFor({ state: 'visible' });
  await win.getByRole('button', { name: 'Close' }).click();
  await win.waitFor({ state: 'detached' });
  await page.close();
});

test('keyboard: Enter opens a desktop icon and Escape closes the window', async () => {
  const page = await ctx.browser.newPage();
  await page.goto(ctx.server.url('demo', '/files/cv'));
  await hydrated(page);
  const explorer = page.getByRole('dialog', { name: 'cv' });
  await explorer.getByRole('link', { name: 'experience.md' }).focus();
  await page.keyboard.press('Enter');
  const viewer = page.getByRole('dialog', { name: 'experience.md' });
  await viewer.getByRole('heading', { name: 'Experience', exact: true }).waitFor();
  await viewer.getByRole('button', { name: 'Close' }).focus();
  await page.keyboard.press('Escape');
  await viewer.waitFor({ state: 'detached' });
  await page.close();
});

test('on a phone-sized screen a window fills the screen', async () => {
  const context = await ctx.browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  await page.goto(ctx.server.url('demo'));
  const box = await page.getByRole('dialog', { name: 'README.md' }).boundingBox();
  assert.equal(box.x, 0);
  assert.equal(box.width, 390);
  await context.close();
});

test('language and theme choices survive a reload, rendered by the server', async () => {
  const context = await ctx.browser.newContext();
  const page = await context.newPage();
  await page.goto(ctx.server.url('demo'));
  await hydrated(page);
  await page.getByRole('button', { name: 'Ada Demo' }).click();
  await page.getByRole('menuitemradio', { name: 'Español' }).click();
  await page.getByRole('menuitemradio', { name: 'Claro' }).click();
  assert.equal(await page.locator('html').getAttribute('data-theme'), 'light');
  assert.equal(await page.locator('html').getAttribute('lang'), 'es');
  // The server renders the chosen language and theme (no flash): check the raw HTML.
  const html = await page.evaluate(async () => (await fetch(location.href)).text());
  assert.match(html, /<html[^>]*data-theme="light"/);
  assert.match(html, /<html[^>]*lang="es"/);
  await page.reload();
  assert.ok(await page.getByRole('button', { name: 'Minimizar' }).first().isVisible());
  await context.close();
});

test('Accept-Language picks Spanish on a first visit', async () => {
  const context = await ctx.browser.newContext({ locale: 'es-ES' });
  const page = await context.newPage();
  await page.goto(ctx.server.url('demo'));
  assert.equal(await page.locator('html').getAttribute('lang'), 'es');
  await context.close();
});

test('an unknown subdomain shows a 404 page with a link to register', async () => {
  const page = await ctx.browser.newPage();
  const res = await page.goto(ctx.server.url('nobody-here'));
  assert.equal(res.status(), 404);
  await page.getByRole('heading', { name: 'This portfolio does not exist' }).waitFor();
  const link = page.getByRole('link', { name: /create your portfolio/ });
  assert.equal(await link.getAttribute('href'), ctx.server.url(''));
  await page.close();
});
