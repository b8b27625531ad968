import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withServerAndBrowser, hydrated, logInAsOwner } from './harness.js';

const PASSWORD = 'demo owner passphrase';
const ctx = withServerAndBrowser({ DEMO_PASSWORD: PASSWORD });

// A 2×1 red-and-blue PNG and the smallest PDF a browser opens.
const PNG_BASE64 =
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAABCAIAAAB7QOjdAAAADUlEQVR4nGP4zwAE/wEHAAH/4iOeWQAAAABJRU5ErkJggg==';
const PDF_TEXT =
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n' +
  '3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n';

const logIn = (page) => logInAsOwner(page, ctx.server.url('demo'), PASSWORD);

/// Opens a file's viewer from its address, then its editor with the viewer's Edit button.
async function openEditor(page, path) {
  const name = path.split('/').pop();
  await page.goto(ctx.server.url('demo', `/files/${path}`));
  await hydrated(page);
  const viewer = page.getByRole('dialog', { name, exact: true });
  await viewer.getByRole('button', { name: 'Edit' }).click();
  const editor = page.getByRole('dialog', { name: `Editor — ${name}` });
  const source = editor.getByRole('textbox', { name: 'Markdown source' });
  await editor.getByRole('status').getByText('Saved.').waitFor();
  return { viewer, editor, source };
}

test('the owner edits with a live preview and Ctrl+S; a stale tab gets a conflict, keeps its text and overwrites; a visitor reads the result', async () => {
  const owner = await ctx.browser.newContext();
  const first = await owner.newPage();
  await logIn(first);
  const a = await openEditor(first, 'about.md');
  const second = await owner.newPage();
  const b = await openEditor(second, 'about.md');

  // The first tab saves: the preview follows the typing and the open viewer shows the new text.
  await a.source.fill('# Edited in the first tab\n\nSaved *first*.');
  await a.editor.getByRole('region', { name: 'Preview' }).getByRole('heading', { name: 'Edited in the first tab' }).waitFor();
  await a.editor.getByRole('status').getByText('Unsaved changes').waitFor();
  await a.source.press('Control+s');
  await a.editor.getByRole('status').getByText('Saved.').waitFor();
  await a.viewer.getByRole('heading', { name: 'Edited in the first tab' }).waitFor();

  // The second tab still has the old version: its save is refused and its text stays.
  const mine = '# Written in the second tab\n\nThis one wins.';
  await b.source.fill(mine);
  await b.source.press('Control+s');
  const conflict = b.editor.getByRole('alert');
  await conflict.getByText(/Someone saved a newer version of this file/).waitFor();
  assert.equal(await b.source.inputValue(), mine);
  await conflict.getByRole('button', { name: 'Overwrite with mine' }).click();
  await b.editor.getByRole('status').getByText('Saved.').waitFor();
  assert.equal(await b.editor.getByRole('alert').count(), 0);
  assert.equal(await b.source.inputValue(), mine);

  const visitor = await ctx.browser.newContext();
  const page = await visitor.newPage();
  await page.goto(ctx.server.url('demo', '/files/about.md'));
  await page.getByRole('dialog', { name: 'about.md' }).getByRole('heading', { name: 'Written in the second tab' }).waitFor();
  assert.equal(await page.getByRole('button', { name: 'Edit' }).count(), 0, 'visitors get no Edit button');
  await owner.close();
  await visitor.close();
});

test('"Load theirs" asks before replacing unsaved text, and closing an editor with unsaved changes asks first', async () => {
  const owner = await ctx.browser.newContext();
  const first = await owner.newPage();
  await logIn(first);
  const a = await openEditor(first, 'blog/notes.txt');
  const second = await owner.newPage();
  const b = await openEditor(second, 'blog/notes.txt');
  await a.source.fill('Their new notes.');
  await a.source.press('Control+s');
  await a.editor.getByRole('status').getByText('Saved.').waitFor();

  await b.source.fill('My notes.');
  await b.editor.getByRole('button', { name: 'Save' }).click();
  const conflict = b.editor.getByRole('alert');
  await conflict.getByText(/Someone saved a newer version/).waitFor();
  // Declining keeps the text; accepting loads the stored version.
  second.once('dialog', (d) => d.dismiss());
  await conflict.getByRole('button', { name: 'Load theirs' }).click();
  assert.equal(await b.source.inputValue(), 'My notes.');
  second.once('dialog', (d) => d.accept());
  await conflict.getByRole('button', { name: 'Load theirs' }).click();
  await b.editor.getByRole('status').getByText('Saved.').waitFor();
  assert.equal(await b.source.inputValue(), 'Their new notes.');

  await b.source.fill('Unsaved words.');
  let asked = '';
  second.once('dialog', (d) => { asked = d.message(); d.dismiss(); });
  await b.editor.getByRole('button', { name: 'Close' }).click();
  assert.match(asked, /unsaved changes/);
  assert.equal(await b.source.inputValue(), 'Unsaved words.');
  second.once('dialog', (d) => d.accept());
  await b.editor.getByRole('button', { name: 'Close' }).click();
  await b.editor.waitFor({ state: 'detached' });
  await owner.close();
});

test('uploaded images open in the image viewer with a zoom toggle, and PDFs in the browser\'s PDF viewer', async () => {
  const owner = await ctx.browser.newContext();
  const page = await owner.newPage();
  await logIn(page);
  const statuses = await page.evaluate(async ({ png, pdf }) => {
    const bytes = Uint8Array.from(atob(png), (c) => c.charCodeAt(0));
    const image = await fetch('/upload?folder=/&name=dot.png', { method: 'POST', body: bytes });
    const paper = await fetch('/upload?folder=/&name=paper.pdf', { method: 'POST', body: new TextEncoder().encode(pdf) });
    return [image.status, paper.status];
  }, { png: PNG_BASE64, pdf: PDF_TEXT });
  assert.deepEqual(statuses, [201, 201]);

  await page.goto(ctx.server.url('demo', '/files/dot.png'));
  await hydrated(page);
  const viewer = page.getByRole('dialog', { name: 'dot.png' });
  const image = viewer.getByRole('img', { name: 'dot.png' });
  await image.waitFor();
  assert.equal(await image.getAttribute('src'), '/raw/dot.png');
  await page.waitForFunction(() => document.querySelector('.image-view img')?.naturalWidth === 2);
  const zoom = viewer.getByRole('button', { name: 'Actual size' });
  assert.equal(await zoom.getAttribute('aria-pressed'), 'false');
  await zoom.click();
  assert.equal(await zoom.getAttribute('aria-pressed'), 'true');
  assert.equal(await viewer.getByRole('link', { name: 'Download' }).getAttribute('href'), '/raw/dot.png');

  const pdfResponse = page.waitForResponse((r) => r.url().endsWith('/raw/paper.pdf'));
  await page.goto(ctx.server.url('demo', '/files/paper.pdf'));
  const pdfViewer = page.getByRole('dialog', { name: 'paper.pdf' });
  const frame = pdfViewer.locator('iframe[title="paper.pdf"]');
  await frame.waitFor();
  assert.equal(await frame.getAttribute('src'), '/raw/paper.pdf');
  const res = await pdfResponse;
  assert.equal(res.headers()['content-type'], 'application/pdf');
  assert.equal(res.headers()['x-frame-options'], 'SAMEORIGIN');
  assert.equal(await pdfViewer.getByRole('link', { name: 'Download' }).getAttribute('download'), 'paper.pdf');
  await owner.close();
});
