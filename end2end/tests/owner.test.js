import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withServerAndBrowser, hydrated, logInAsOwner } from './harness.js';

const PASSWORD = 'demo owner passphrase';
const ctx = withServerAndBrowser({ DEMO_PASSWORD: PASSWORD });

const logIn = (page) => logInAsOwner(page, ctx.server.url('demo'), PASSWORD);

async function openFromMenu(page, name) {
  await page.locator('.start-button').click();
  await page.getByRole('menuitem', { name: new RegExp(name) }).click();
  return page.getByRole('dialog', { name });
}

test('the owner logs in, teaches the assistant a memory, a visitor gets it, and logging out ends owner mode', async () => {
  const owner = await ctx.browser.newContext();
  const page = await owner.newPage();
  await logIn(page);
  const memories = await openFromMenu(page, 'Memories');
  await memories.getByText('Current role').waitFor();
  await memories.getByRole('button', { name: 'New memory' }).click();
  await memories.getByLabel('Title').fill('Sailing');
  await memories.getByLabel('Content').fill('{{owner_name}} sails a small boat called Hydra on weekends.');
  await memories.getByLabel('Keywords').fill('Sailing, boat, Boat');
  await memories.getByLabel('Content').press('Control+s');
  await memories.getByText('Saved.').waitFor();
  await memories.locator('.memory-list').getByText('Sailing').waitFor();

  // A visitor in another browser asks about it.
  const visitor = await ctx.browser.newContext();
  const vpage = await visitor.newPage();
  await vpage.goto(ctx.server.url('demo'));
  await hydrated(vpage);
  assert.equal(await vpage.getByRole('button', { name: 'Owner mode' }).count(), 0);
  await vpage.locator('.icons').getByRole('button', { name: 'Assistant' }).click();
  const chat = vpage.getByRole('dialog', { name: 'Assistant' });
  await chat.getByRole('textbox').fill('What is the name of her boat?');
  await chat.getByRole('textbox').press('Enter');
  await chat.locator('.answer').getByText(/Ada Demo sails a small boat called Hydra/).waitFor();

  // Deleting offers Undo, which brings the memory back.
  await memories.locator('li', { hasText: 'Sailing' }).getByRole('button', { name: 'Delete' }).click();
  await memories.getByRole('button', { name: 'Undo' }).click();
  await memories.locator('.memory-list').getByText('Sailing').waitFor();

  const account = await openFromMenu(page, 'Account');
  await account.getByRole('button', { name: 'Log out' }).click();
  await page.waitForURL(ctx.server.url('demo'));
  await hydrated(page);
  assert.equal(await page.getByRole('button', { name: 'Owner mode' }).count(), 0);
  const me = await page.evaluate(async () => (await fetch('/api/whoami', { method: 'POST' })).json());
  assert.equal(me, null);
  await owner.close();
  await visitor.close();
});

test('the /login page works without JavaScript and explains a wrong password', async () => {
  const context = await ctx.browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(ctx.server.url('demo', '/login'));
  await page.getByLabel('Password').fill('not the password');
  await page.locator('form').getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(/\/login\?error=wrong$/);
  await page.getByRole('alert').getByText('The username or password is not right.').waitFor();
  await page.getByLabel('Password').fill(PASSWORD);
  await page.locator('form').getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(ctx.server.url('demo'));
  await page.getByRole('button', { name: 'Owner mode' }).waitFor();
  const cookies = await context.cookies();
  const session = cookies.find((c) => c.name === 'deskfolio_session');
  assert.ok(session, 'a session cookie');
  assert.equal(session.httpOnly, true);
  assert.equal(session.sameSite, 'Lax');
  await context.close();
});

test('a visitor writes from the terminal\'s contact command, and the owner reads it in the inbox', async () => {
  const visitor = await ctx.browser.newContext();
  const vpage = await visitor.newPage();
  await vpage.goto(ctx.server.url('demo'));
  await hydrated(vpage);
  await vpage.keyboard.press('Control+Alt+T');
  const input = vpage.getByRole('dialog', { name: 'Terminal' }).getByRole('textbox', { name: 'Terminal input' });
  await input.fill('contact');
  await input.press('Enter');
  const form = vpage.getByRole('dialog', { name: 'Contact' });
  await form.getByLabel('Your name').fill('Grace');
  await form.getByLabel('Your email').fill('grace@example.com');
  await form.getByLabel('Message').fill('Would you speak at our <b>meetup</b>?');
  await form.getByRole('button', { name: 'Send' }).click();
  await form.getByRole('status').getByText('Sent.').waitFor();
  assert.equal(await form.getByLabel('Message').inputValue(), '');
  await visitor.close();

  const owner = await ctx.browser.newContext();
  const page = await owner.newPage();
  await logIn(page);
  const inbox = await openFromMenu(page, 'Contact');
  const message = inbox.locator('.messages li').filter({ hasText: 'Grace' });
  // Shown as text, exactly as written.
  await message.getByText('Would you speak at our <b>meetup</b>?').waitFor();
  assert.equal(await message.locator('b').count(), 0);
  assert.match(await message.getAttribute('class'), /unread/);
  await message.getByRole('button', { name: 'Mark as read' }).click();
  await message.getByRole('button', { name: 'Mark as unread' }).waitFor();
  assert.doesNotMatch((await message.getAttribute('class')) ?? '', /unread/);
  await owner.close();
});

test('the owner writes a second personality, previews it without using a question, and activates it for visitors', async () => {
  const owner = await ctx.browser.newContext();
  const page = await owner.newPage();
  await logIn(page);
  const window = await openFromMenu(page, 'Personality');
  await window.getByRole('button', { name: 'New personality' }).click();
  await window.getByLabel('Name', { exact: true }).fill('Captain');
  await window.getByLabel('Greeting').fill('Ahoy! Ask me about {{owner_name}}.');
  await window.getByRole('button', { name: 'Save' }).click();
  // Refused with the field named as the form labels it, and nothing typed is lost.
  await window.getByRole('alert').getByText("Instructions (system prompt): This can't be empty.").waitFor();
  assert.equal(await window.getByLabel('Name', { exact: true }).inputValue(), 'Captain');
  await window.getByLabel('Instructions (system prompt)').fill('You speak like a ship captain about {{owner_name}}.');
  await window.getByLabel('Instructions (system prompt)').press('Control+s');
  await window.getByRole('status').getByText('Saved.').waitFor();
  await window.locator('.personality-list').getByRole('button', { name: 'Captain' }).waitFor();

  // The preview speaks as the new personality, placeholders filled, and asks without a quota.
  await window.getByRole('button', { name: 'preview' }).click();
  const preview = window.locator('.preview');
  await preview.getByText('Ahoy! Ask me about Ada Demo.').waitFor();
  await preview.locator('.chat-name').getByText('Captain').waitFor();
  const answered = page.waitForResponse((r) => r.url().endsWith('/api/chat'));
  await preview.getByRole('textbox').fill('Where does she work?');
  await preview.getByRole('textbox').press('Enter');
  const res = await answered;
  assert.equal(res.status(), 200);
  await preview.locator('.answer').first().waitFor();

  // Visitors still meet the old one until the owner switches.
  const visitor = await ctx.browser.newContext();
  const vpage = await visitor.newPage();
  const visitorChat = async () => {
    await vpage.goto(ctx.server.url('demo'));
    await hydrated(vpage);
    await vpage.locator('.icons').getByRole('button', { name: 'Assistant' }).click();
    return vpage.getByRole('dialog', { name: 'Assistant' });
  };
  let chat = await visitorChat();
  await chat.getByText('Hi! Ask me anything about Ada Demo.').waitFor();

  await window.locator('.personality-list li', { hasText: 'Captain' }).getByRole('radio').check();
  await waitForActive(page, 'Captain');
  chat = await visitorChat();
  await chat.getByText('Ahoy! Ask me about Ada Demo.').waitFor();
  await owner.close();
  await visitor.close();
});

/// Waits until the server reports `name` as the active personality.
async function waitForActive(page, name) {
  for (let i = 0; i < 50; i++) {
    const list = await page.evaluate(async () => (await fetch('/api/list_personalities', { method: 'POST' })).json());
    if (list.some((p) => p.active && p.name === name)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${name} never became the active personality`);
}
