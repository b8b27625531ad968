import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withServerAndBrowser, hydrated, postForm, getFromPage, logInAsOwner } from './harness.js';

const PASSWORD = 'demo owner passphrase';
const ctx = withServerAndBrowser({ DEMO_PASSWORD: PASSWORD });

// A valid 1×1 PNG.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
  'base64',
);

const logIn = (page) => logInAsOwner(page, ctx.server.url('demo'), PASSWORD);

/// Logs in and opens the file explorer on the top folder.
async function ownerExplorer() {
  const context = await ctx.browser.newContext();
  const page = await context.newPage();
  await logIn(page);
  await page.locator('.icons').getByRole('button', { name: 'File Explorer' }).click();
  const explorer = page.locator('section.window[data-kind="explorer"]');
  await explorer.getByRole('link', { name: 'about.md' }).waitFor();
  return { context, page, explorer };
}

async function gone(locator) {
  await locator.waitFor({ state: 'detached' });
}

test('the owner creates, renames, moves, uploads, deletes and restores, and a visitor sees the result', async () => {
  const { context, page, explorer } = await ownerExplorer();

  // New folder: the name field opens at once with a free name.
  await explorer.getByRole('button', { name: 'New folder' }).click();
  const rename = explorer.getByLabel('Rename');
  assert.equal(await rename.inputValue(), 'New folder');
  await rename.fill('talks');
  await rename.press('Enter');
  await explorer.getByRole('link', { name: 'talks' }).waitFor();

  // New file, named as it is created.
  await explorer.getByRole('button', { name: 'New file' }).click();
  assert.equal(await rename.inputValue(), 'untitled.md');
  await rename.fill('slides.md');
  await rename.press('Enter');
  await explorer.getByRole('link', { name: 'slides.md' }).waitFor();

  // F2 renames the selected file.
  await explorer.getByRole('link', { name: 'slides.md' }).click();
  await page.keyboard.press('F2');
  await rename.fill('keynote.md');
  await rename.press('Enter');
  await explorer.getByRole('link', { name: 'keynote.md' }).waitFor();
  await gone(explorer.getByRole('link', { name: 'slides.md' }));

  // Edit it from the context menu and save with Ctrl+S.
  await explorer.getByRole('link', { name: 'keynote.md' }).click({ button: 'right' });
  await explorer.getByRole('menu', { name: 'Actions' }).getByRole('menuitem', { name: 'Edit' }).click();
  const editor = page.getByRole('dialog', { name: 'Editor — keynote.md' });
  const source = editor.getByRole('textbox', { name: 'Markdown source' });
  await editor.getByRole('status').getByText('Saved.').waitFor();
  await source.fill('# Keynote\n\nWhat I will say.');
  await source.press('Control+s');
  await editor.getByRole('status').getByText('Saved.').waitFor();
  await editor.getByRole('button', { name: /Close/ }).click();
  await gone(editor);

  // Drag the file onto the folder: it leaves the top folder and is inside `talks`.
  await explorer.getByRole('link', { name: 'keynote.md' }).dragTo(explorer.getByRole('link', { name: 'talks' }));
  await gone(explorer.getByRole('link', { name: 'keynote.md' }));
  await explorer.getByRole('link', { name: 'talks' }).dblclick();
  await explorer.getByRole('navigation', { name: 'Path' }).getByRole('button', { name: 'talks' }).waitFor();
  await explorer.getByRole('link', { name: 'keynote.md' }).waitFor();

  // Upload an image into the folder through the picker.
  await explorer.getByLabel('Choose files to upload').setInputFiles({ name: 'dot.png', mimeType: 'image/png', buffer: PNG });
  await explorer.getByRole('region', { name: 'Uploading' }).getByText('Uploaded', { exact: true }).waitFor();
  await explorer.getByRole('link', { name: 'dot.png' }).waitFor();

  // Delete it with the Delete key; the trash brings it back.
  await explorer.getByRole('link', { name: 'dot.png' }).click();
  await page.keyboard.press('Delete');
  await explorer.getByRole('status').getByText('Moved 1 item to the trash').waitFor();
  await gone(explorer.getByRole('link', { name: 'dot.png' }));
  await explorer.getByRole('button', { name: 'Trash' }).click();
  const trash = page.getByRole('dialog', { name: 'Trash' });
  await trash.getByRole('cell', { name: '/talks/dot.png' }).waitFor();
  await trash.getByRole('button', { name: 'Restore dot.png' }).click();
  await trash.getByRole('status').getByText(/dot\.png/).waitFor();
  await trash.getByText('The trash is empty.').waitFor();
  await explorer.getByRole('link', { name: 'dot.png' }).waitFor();

  // A visitor in another browser sees the final tree and no owner controls.
  const visitor = await ctx.browser.newContext();
  const vpage = await visitor.newPage();
  await vpage.goto(ctx.server.url('demo', '/files/talks'));
  await hydrated(vpage);
  const vexplorer = vpage.locator('section.window[data-kind="explorer"]');
  await vexplorer.getByRole('link', { name: 'keynote.md' }).waitFor();
  await vexplorer.getByRole('link', { name: 'dot.png' }).waitFor();
  for (const name of ['New folder', 'New file', 'Upload', 'Trash']) {
    assert.equal(await vexplorer.getByRole('button', { name, exact: true }).count(), 0, `${name} is for the owner only`);
  }
  assert.equal(await vexplorer.getByLabel('Choose files to upload').count(), 0);
  assert.equal(await vexplorer.getByRole('button', { name: /More actions/ }).count(), 0);
  const image = await getFromPage(vpage, '/raw/talks/dot.png');
  assert.equal(image.status, 200);
  assert.equal(image.contentType, 'image/png');
  const keynote = await postForm(vpage, '/api/open_path', { path: '/talks/keynote.md' });
  assert.match(keynote.text, /What I will say\./);
  const root = await postForm(vpage, '/api/open_path', { path: '/' });
  const names = root.json.Folder.entries.map((e) => e.name);
  assert.ok(names.includes('talks'));
  assert.ok(!names.includes('keynote.md') && !names.includes('slides.md'));
  await visitor.close();
  await context.close();
});

test('a duplicate name is refused with the clash named, and nothing changes', async () => {
  const { context, page, explorer } = await ownerExplorer();
  await explorer.getByRole('link', { name: 'about.md' }).click();
  await page.keyboard.press('F2');
  const rename = explorer.getByLabel('Rename');
  await rename.fill('README.md');
  await rename.press('Enter');
  await explorer.getByRole('alert').getByText(/already a file named “README\.md”/).waitFor();
  // The field stays open with what was typed; Escape gives up and the old name is back.
  assert.equal(await rename.inputValue(), 'README.md');
  await rename.press('Escape');
  await explorer.getByRole('link', { name: 'about.md' }).waitFor();
  assert.equal(await explorer.getByRole('link', { name: 'README.md' }).count(), 1);

  // Clicking away after a refusal gives up once, rather than resending the name on every blur.
  let renames = 0;
  page.on('request', (r) => { if (r.url().endsWith('/api/rename_node')) renames += 1; });
  await explorer.getByRole('link', { name: 'about.md' }).click();
  await page.keyboard.press('F2');
  await rename.fill('readme.MD');
  await rename.press('Enter');
  await explorer.getByRole('alert').getByText(/already a file named/).waitFor();
  await explorer.locator('.tree').click();
  await gone(rename);
  await explorer.getByRole('link', { name: 'about.md' }).waitFor();
  await explorer.locator('.listing').click();
  await page.waitForTimeout(300);
  assert.equal(renames, 1);
  const root = await postForm(page, '/api/open_path', { path: '/' });
  const names = root.json.Folder.entries.map((e) => e.name);
  assert.ok(names.includes('about.md'));
  await context.close();
});

test('deleting a non-empty folder asks first, and Undo brings it back with its contents', async () => {
  const { context, explorer } = await ownerExplorer();
  await explorer.getByRole('link', { name: 'projects' }).click({ button: 'right' });
  const menu = explorer.getByRole('menu', { name: 'Actions' });
  await menu.getByRole('menuitem', { name: 'Delete' }).click();
  const confirm = explorer.getByRole('alertdialog');
  await confirm.getByText('“projects” is not empty. Move it and everything in it to the trash?').waitFor();
  // Cancel leaves it alone.
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await gone(confirm);
  await explorer.getByRole('link', { name: 'projects' }).waitFor();

  await explorer.getByRole('link', { name: 'projects' }).click({ button: 'right' });
  await menu.getByRole('menuitem', { name: 'Delete' }).click();
  await confirm.getByRole('button', { name: 'Move to trash' }).click();
  await gone(explorer.getByRole('link', { name: 'projects' }));
  await explorer.getByRole('status').getByRole('button', { name: 'Undo' }).click();
  await explorer.getByRole('link', { name: 'projects' }).dblclick();
  await explorer.getByRole('link', { name: 'tinykv' }).waitFor();
  await context.close();
});

test('the keyboard works the listing: Ctrl+A, Ctrl+X and Ctrl+V move items, the context-menu key opens the menu', async () => {
  const { context, page, explorer } = await ownerExplorer();
  // Make a folder and a file to move.
  await explorer.getByRole('button', { name: 'New folder' }).click();
  const rename = explorer.getByLabel('Rename');
  await rename.fill('archive');
  await rename.press('Enter');
  await explorer.getByRole('link', { name: 'archive' }).waitFor();
  await explorer.getByRole('button', { name: 'New file' }).click();
  await rename.fill('old-notes.md');
  await rename.press('Enter');
  await explorer.getByRole('link', { name: 'old-notes.md' }).waitFor();

  await explorer.getByRole('link', { name: 'old-notes.md' }).click();
  await page.keyboard.press('Control+x');
  await explorer.getByRole('link', { name: 'archive' }).dblclick();
  await explorer.getByText('This folder is empty.').waitFor();
  await explorer.locator('.listing').click();
  await page.keyboard.press('Control+v');
  await explorer.getByRole('link', { name: 'old-notes.md' }).waitFor();

  // Shift+F10 opens the menu on the focused item; arrows and Enter pick from it.
  await explorer.getByRole('link', { name: 'old-notes.md' }).focus();
  await page.keyboard.press('Shift+F10');
  const menu = explorer.getByRole('menu', { name: 'Actions' });
  await menu.waitFor();
  await page.keyboard.press('Escape');
  await gone(menu);
  assert.equal(await page.getByRole('dialog', { name: 'archive' }).count(), 1, 'Escape closes the menu, not the window');

  // Search finds the file by name; Escape returns to the folder.
  const search = explorer.getByLabel('Search files');
  await search.fill('old-notes');
  await explorer.getByRole('list', { name: 'Results' }).getByText('/archive/old-notes.md').waitFor();
  await search.press('Escape');
  await explorer.getByRole('link', { name: 'old-notes.md' }).waitFor();
  await context.close();
});

test('files dropped from the computer onto a folder upload into it, and a fake image is refused by its content', async () => {
  const { context, page, explorer } = await ownerExplorer();
  const drop = async (selector, files) => {
    await page.evaluate(({ selector, files }) => {
      const target = document.querySelector(selector);
      const data = new DataTransfer();
      for (const { name, type, base64 } of files) {
        const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
        data.items.add(new File([bytes], name, { type }));
      }
      for (const type of ['dragenter', 'dragover', 'drop']) {
        target.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: data }));
      }
    }, { selector, files });
  };
  const projects = 'section.window[data-kind="explorer"] a.entry[data-path="/projects"]';
  await drop(projects, [
    { name: 'dropped.png', type: 'image/png', base64: PNG.toString('base64') },
    { name: 'fake.png', type: 'image/png', base64: Buffer.from('just text, not an image').toString('base64') },
  ]);
  const uploads = explorer.getByRole('region', { name: 'Uploading' });
  await uploads.getByText('Uploaded', { exact: true }).waitFor();
  await uploads.getByText(/This file is text; only .* files can be uploaded\./).waitFor();
  await explorer.getByRole('link', { name: 'projects' }).dblclick();
  await explorer.getByRole('link', { name: 'dropped.png' }).waitFor();
  assert.equal(await explorer.getByRole('link', { name: 'fake.png' }).count(), 0);
  await context.close();
});

test('typing into a new name replaces it and keeps the extension, as desktops do', async () => {
  const { context, page, explorer } = await ownerExplorer();
  await explorer.getByRole('button', { name: 'New file' }).click();
  const rename = explorer.getByLabel('Rename');
  await rename.waitFor();
  await page.waitForFunction(() => document.activeElement?.classList.contains('rename')
    && document.activeElement.selectionEnd === 'untitled'.length);
  await page.keyboard.type('notes');
  await page.keyboard.press('Enter');
  await explorer.getByRole('link', { name: 'notes.md' }).waitFor();
  await context.close();
});
