import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withServerAndBrowser, hydrated } from './harness.js';

// A low daily limit, so the limit message is reached within the test.
const ctx = withServerAndBrowser({ CHAT_FREE_DAILY_LIMIT: '4' });

async function openChat(page) {
  await page.goto(ctx.server.url('demo'));
  await hydrated(page);
  await page.locator('.icons').getByRole('button', { name: 'Assistant' }).click();
  const chat = page.getByRole('dialog', { name: 'Assistant' });
  const input = chat.getByRole('textbox', { name: 'Ask a question…' });
  await input.waitFor();
  return { chat, input };
}

async function ask(page, chat, input, question, answered) {
  const response = page.waitForResponse((r) => r.url().endsWith('/api/chat'));
  await input.fill(question);
  await input.press('Enter');
  const res = await response;
  await chat.locator('.bubble.assistant .answer').nth(answered).waitFor();
  return res;
}

test('a visitor asks the demo assistant three questions, sees streamed answers and the count, then the limit', async () => {
  const page = await ctx.browser.newPage();
  const { chat, input } = await openChat(page);
  await chat.getByText('Hi! Ask me anything about Ada Demo.').waitFor();

  const first = await ask(page, chat, input, 'Where does she work?', 0);
  assert.equal(first.headers()['content-type'], 'text/event-stream');
  await chat.locator('.bubble.assistant .answer').nth(0).getByText(/storage engines/).waitFor();
  await chat.getByText('3 of 4 questions left today').waitFor();

  await ask(page, chat, input, 'What programming languages does she use?', 1);
  await chat.getByText('2 of 4 questions left today').waitFor();
  await ask(page, chat, input, '¿Qué idiomas habla?', 2);
  await chat.getByText('1 of 4 questions left today').waitFor();
  assert.equal(await chat.locator('.bubble.user').count(), 3);

  await ask(page, chat, input, 'Anything else?', 3);
  await chat.getByText('0 of 4 questions left today').waitFor();
  // The fifth question is refused with the reset time in the visitor's own clock.
  const refused = page.waitForResponse((r) => r.url().endsWith('/api/chat'));
  await input.fill('One more?');
  await input.press('Enter');
  assert.equal((await refused).status(), 429);
  const notice = chat.getByRole('alert');
  await notice.getByText(/You have used all 4 questions for today\. You can ask again after \d\d:\d\d\./).waitFor();
  const expected = await page.evaluate(() => {
    const d = new Date();
    d.setUTCHours(24, 0, 0, 0);
    return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
  });
  assert.match(await notice.innerText(), new RegExp(`after ${expected}\\.`));
  await page.close();
});

test('answers are sanitised markdown: a memory cannot inject markup into the chat', async () => {
  const page = await ctx.browser.newPage();
  const { chat } = await openChat(page);
  // The answer HTML comes from the server's sanitiser; no script element can appear in the log.
  assert.equal(await chat.locator('script').count(), 0);
  await page.close();
});
