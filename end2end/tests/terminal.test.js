import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withServerAndBrowser, hydrated } from './harness.js';

const PASSWORD = 'demo owner passphrase';
const ctx = withServerAndBrowser({ DEMO_PASSWORD: PASSWORD });

async function openTerminal(page) {
  await page.goto(ctx.server.url('demo'));
  await hydrated(page);
  await page.keyboard.press('Control+Alt+T');
  const terminal = page.getByRole('dialog', { name: 'Terminal' });
  const input = terminal.getByRole('textbox', { name: 'Terminal input' });
  await input.waitFor();
  return { terminal, input };
}

async function type(input, line) {
  await input.fill(line);
  await input.press('Enter');
}

test('visitor opens the terminal with the shortcut, changes folder, lists and reads a file', async () => {
  const page = await ctx.browser.newPage();
  const { terminal, input } = await openTerminal(page);
  await type(input, 'cd projects');
  await terminal.getByText('visitor@demo:~/projects$').first().waitFor();
  await type(input, 'ls -l');
  await terminal.getByText(/^d .* tinykv\/$/).waitFor();
  await terminal.getByText(/^- .* readme\.md$/).waitFor();
  await type(input, 'cat readme.md');
  await terminal.getByText('| tinykv | an embedded key-value store | stable |').waitFor();
  await type(input, 'cat nope.md');
  await terminal.getByText('cat: nope.md: no such file or folder').waitFor();
  await page.close();
});

test('Tab completes paths and a second Tab lists the candidates', async () => {
  const page = await ctx.browser.newPage();
  const { terminal, input } = await openTerminal(page);
  await input.fill('cd pro');
  await input.press('Tab');
  assert.equal(await input.inputValue(), 'cd projects/');
  await input.fill('cat projects/');
  await input.press('Tab');
  await input.press('Tab');
  await terminal.getByText('projects/tinykv/  projects/trail-maps/  projects/readme.md', { exact: true }).waitFor();
  await page.close();
});

test('history survives a reload and ↑ recalls it', async () => {
  const page = await ctx.browser.newPage();
  let { input } = await openTerminal(page);
  await type(input, 'echo remembered');
  ({ input } = await openTerminal(page));
  await input.press('ArrowUp');
  assert.equal(await input.inputValue(), 'echo remembered');
  await page.close();
});

test('file contents are printed as text, never as HTML', async () => {
  const page = await ctx.browser.newPage();
  const { terminal, input } = await openTerminal(page);
  await type(input, 'echo <img src=x onerror=window.__pwned=1>');
  await terminal.getByText('<img src=x onerror=window.__pwned=1>', { exact: true }).waitFor();
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  assert.equal(await terminal.locator('img').count(), 0);
  await page.close();
});

test('open shows a file in its window and exit closes the terminal', async () => {
  const page = await ctx.browser.newPage();
  const { terminal, input } = await openTerminal(page);
  await type(input, 'open blog/2026-why-rust.md');
  await page.getByRole('dialog', { name: '2026-why-rust.md' }).getByRole('heading', { name: 'Why I write Rust in 2026' }).waitFor();
  await terminal.locator('header h2').click();
  await type(input, 'exit');
  await terminal.waitFor({ state: 'detached' });
  await page.close();
});

test('ai answers one question with a streamed answer and says how many questions are left', async () => {
  const page = await ctx.browser.newPage();
  const { terminal, input } = await openTerminal(page);
  const response = page.waitForResponse((r) => r.url().endsWith('/api/chat'));
  await type(input, 'ai where does she work?');
  assert.equal((await response).headers()['content-type'], 'text/event-stream');
  await terminal.locator('.term-line').getByText(/storage engines/).first().waitFor();
  await terminal.getByText(/^\d+ of \d+ questions left today$/).waitFor();
  await page.close();
});

test('the owner logs in from the terminal, makes a folder an open explorer shows, and rm -r asks before trashing it', async () => {
  const context = await ctx.browser.newContext();
  const page = await context.newPage();
  let { terminal, input } = await openTerminal(page);
  await type(input, 'mkdir demo-dir');
  await terminal.getByText("mkdir: only the owner can change files; try 'login'").waitFor();
  await type(input, 'login');
  await type(input, PASSWORD);
  await page.getByRole('button', { name: 'Owner mode' }).waitFor();
  ({ terminal, input } = await openTerminal(page));

  await page.locator('.icons').getByRole('button', { name: 'File Explorer' }).click();
  const explorer = page.getByRole('dialog', { name: 'File Explorer' });
  await explorer.getByRole('link', { name: 'projects' }).waitFor();
  await type(input, 'mkdir demo-dir');
  await terminal.getByText('created folder /demo-dir').waitFor();
  await explorer.getByRole('link', { name: 'demo-dir' }).waitFor();
  await type(input, 'touch demo-dir/plan.md');
  await terminal.getByText('created file /demo-dir/plan.md').waitFor();

  await type(input, 'rm demo-dir');
  await terminal.getByText("rm: cannot remove 'demo-dir': it is a folder (use rm -r)").waitFor();
  await type(input, 'rm -r demo-dir');
  await terminal.getByText("Move 'demo-dir' and its 1 item to the trash? [y/N]").first().waitFor();
  await type(input, 'n');
  await terminal.getByText('Nothing was changed.').waitFor();
  await type(input, 'rm -r demo-dir');
  await type(input, 'y');
  await terminal.getByText("moved 'demo-dir' and its 1 item to the trash; to undo, restore it from the Trash").waitFor();
  await explorer.getByRole('link', { name: 'demo-dir' }).waitFor({ state: 'detached' });
  const trash = await page.evaluate(async () => (await fetch('/api/list_trash', { method: 'POST' })).json());
  assert.deepEqual(trash.map((t) => [t.name, t.items]), [['demo-dir', 2]]);

  await type(input, 'edit about.md');
  await page.getByRole('dialog', { name: 'Editor — about.md' }).getByRole('textbox', { name: 'Markdown source' }).waitFor();
  await context.close();
});
