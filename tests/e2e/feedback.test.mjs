// Real-browser test of the thumbs under each answer: the page, the real
// `twin serve` answering, and /api/feedback intercepted, so the request the
// page sends and what it shows for each reply are checked exactly. See
// README.md in this folder for how to run it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const artifacts = resolve(here, 'artifacts');

function twinBin() {
  if (process.env.TWIN_BIN) return resolve(process.env.TWIN_BIN);
  const release = resolve(root, 'target/release/twin');
  return existsSync(release) ? release : resolve(root, 'target/debug/twin');
}

// The binary compiles the page in; serving the page's script and styles
// from public/ tests the files in this checkout even when the binary was
// built before them. Everything else, /api/chat included, is the binary's.
const PAGE_FILES = {
  '/app.js': ['text/javascript; charset=utf-8', readFileSync(resolve(root, 'public/app.js'), 'utf8')],
  '/style.css': ['text/css; charset=utf-8', readFileSync(resolve(root, 'public/style.css'), 'utf8')],
};

let server;
let serverLog = '';
let twinUrl;
let browser;

function startServer() {
  const bin = twinBin();
  assert.ok(existsSync(bin), `twin binary not found at ${bin}; build it or set TWIN_BIN`);
  server = spawn(bin, ['serve', '--port', '0'], {
    cwd: root,
    // One browser asks many questions from one address in a few seconds.
    env: { ...process.env, TWIN_RATE_LIMIT_PER_MIN: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  return new Promise((resolveUrl, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no URL from ${bin} within 20 s; output:\n${serverLog}`)),
      20_000,
    );
    server.stderr.on('data', (chunk) => { serverLog += chunk; });
    server.stdout.on('data', (chunk) => {
      serverLog += chunk;
      stdout += chunk;
      const match = /http:\/\/127\.0\.0\.1:\d+/.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolveUrl(match[0]);
      }
    });
    server.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${bin} exited with ${code} before printing its URL:\n${serverLog}`));
    });
  });
}

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  twinUrl = await startServer();
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
});

after(async () => {
  await browser?.close().catch(() => {});
  if (server && server.exitCode === null) {
    server.kill('SIGTERM');
    await new Promise((done) => {
      const force = setTimeout(() => { server.kill('SIGKILL'); done(); }, 3_000);
      server.once('exit', () => { clearTimeout(force); done(); });
    });
  }
});

/**
 * A fresh page with the chat loaded, and /api/feedback answered by
 * `respond(request)` (default: 200 `{"ok":true}`); `sent` collects the
 * requests the page made to it.
 */
async function openChat(options = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, ...options });
  context.setDefaultTimeout(10_000);
  await context.route(/\/(app\.js|style\.css)$/, (route) => {
    const [contentType, body] = PAGE_FILES[new URL(route.request().url()).pathname];
    return route.fulfill({ contentType, body });
  });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (err) => errors.push(err.message));
  const feedback = {
    sent: [],
    respond: () => ({ status: 200, contentType: 'application/json', body: '{"ok":true}' }),
  };
  await page.route('**/api/feedback', (route) => {
    feedback.sent.push(route.request());
    return route.fulfill(feedback.respond(route.request()));
  });
  await page.goto(twinUrl + '/');
  await page.locator('#suggestions .chip').first().waitFor();
  return { page, context, errors, feedback };
}

/** Asks `question`, waits for the finished answer and returns it with its id. */
async function ask(page, question) {
  const index = await page.locator('.msg.assistant').count();
  const input = page.getByRole('textbox', { name: 'Your question' });
  await input.fill(question);
  const [response] = await Promise.all([
    page.waitForResponse('**/api/chat'),
    input.press('Enter'),
  ]);
  const answerId = response.headers()['x-answer-id'];
  assert.match(answerId, /^ans_[0-9a-f]{32}$/, 'the chat response names its answer');
  const answer = page.locator('.msg.assistant').nth(index);
  await answer.and(page.locator('[data-state="done"]')).waitFor();
  return { answer, answerId };
}

const QUESTION = 'Where do you work now?';

test('each finished answer has accessible thumbs', async () => {
  const { page, context, errors } = await openChat();
  try {
    const { answer } = await ask(page, QUESTION);
    const group = answer.getByRole('group', { name: 'Rate this answer' });
    await group.waitFor();
    const up = group.getByRole('button', { name: 'Helpful', exact: true });
    const down = group.getByRole('button', { name: 'Not helpful' });
    assert.equal(await up.getAttribute('aria-pressed'), 'false');
    assert.equal(await down.getAttribute('aria-pressed'), 'false');
    assert.equal(await answer.locator('.fb-form').isVisible(), false, 'no comment box before a thumbs-down');

    // Thumbs-down opens the comment box, focused; Escape closes it, sends
    // nothing, and leaves the chat (and a widget around it) alone.
    await down.click();
    const comment = answer.getByRole('textbox', { name: /missing or wrong/ });
    await comment.waitFor();
    assert.equal(await down.getAttribute('aria-pressed'), 'true');
    assert.ok(await comment.evaluate((el) => el === document.activeElement), 'the comment box has focus');
    assert.equal(await comment.getAttribute('maxlength'), '500');
    await comment.fill('It does not say since when.');
    await page.screenshot({ path: resolve(artifacts, 'feedback.png') });
    await page.keyboard.press('Escape');
    await comment.waitFor({ state: 'hidden' });
    assert.equal(await down.getAttribute('aria-pressed'), 'false');
    assert.equal(await answer.locator('.feedback').getAttribute('data-state'), 'idle');
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('a thumbs-down with a comment sends the answer id, rating, comment and question', async () => {
  const { page, context, errors, feedback } = await openChat();
  try {
    const { answer, answerId } = await ask(page, QUESTION);
    await answer.getByRole('button', { name: 'Not helpful' }).click();
    const comment = answer.getByRole('textbox', { name: /missing or wrong/ });
    await comment.fill('  It does not say since when.  ');
    assert.match(await answer.locator('.fb-count').textContent(), /^\d+\/500$/);
    const [request] = await Promise.all([
      page.waitForRequest('**/api/feedback'),
      answer.getByRole('button', { name: 'Send' }).click(),
    ]);
    assert.equal(request.method(), 'POST');
    assert.match(request.headers()['content-type'], /^application\/json/);
    assert.deepEqual(request.postDataJSON(), {
      answer_id: answerId,
      rating: 'down',
      comment: 'It does not say since when.',
      question: QUESTION,
    });
    // The exact bytes, key order included.
    assert.equal(
      request.postData(),
      `{"answer_id":"${answerId}","rating":"down","comment":"It does not say since when.","question":"${QUESTION}"}`,
    );

    // Thanks, and the vote is final.
    const box = answer.locator('.feedback');
    await answer.locator('.feedback[data-state="sent"]').waitFor();
    assert.match(await box.getByRole('status').textContent(), /Thanks/);
    assert.equal(await answer.locator('.fb-form').count(), 0, 'the comment box is gone');
    const down = answer.getByRole('button', { name: 'Not helpful' });
    const up = answer.getByRole('button', { name: 'Helpful', exact: true });
    assert.equal(await down.getAttribute('aria-pressed'), 'true');
    assert.equal(await down.getAttribute('aria-disabled'), 'true');
    assert.equal(await up.getAttribute('aria-disabled'), 'true');
    // Playwright refuses to click an aria-disabled button; a visitor can.
    await up.click({ force: true });
    await down.click({ force: true });
    await page.waitForTimeout(200);
    assert.equal(feedback.sent.length, 1, 'one vote per answer');
    await page.screenshot({ path: resolve(artifacts, 'feedback-sent.png') });
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('a thumbs-up sends no comment, and each answer is rated on its own', async () => {
  const { page, context, feedback } = await openChat();
  try {
    const first = await ask(page, QUESTION);
    const second = await ask(page, 'What is the capital of Australia?');
    assert.notEqual(first.answerId, second.answerId);
    const [request] = await Promise.all([
      page.waitForRequest('**/api/feedback'),
      first.answer.getByRole('button', { name: 'Helpful', exact: true }).click(),
    ]);
    assert.equal(
      request.postData(),
      `{"answer_id":"${first.answerId}","rating":"up","question":"${QUESTION}"}`,
    );
    await first.answer.locator('.feedback[data-state="sent"]').waitFor();
    // The refusal below is still open to a vote.
    const secondState = await second.answer.locator('.feedback').getAttribute('data-state');
    assert.equal(secondState, 'idle');
    // Enter sends the comment box, like the question box.
    await second.answer.getByRole('button', { name: 'Not helpful' }).click();
    const comment = second.answer.getByRole('textbox', { name: /missing or wrong/ });
    await comment.fill('I wanted an answer anyway');
    const [next] = await Promise.all([page.waitForRequest('**/api/feedback'), comment.press('Enter')]);
    assert.deepEqual(next.postDataJSON(), {
      answer_id: second.answerId,
      rating: 'down',
      comment: 'I wanted an answer anyway',
      question: 'What is the capital of Australia?',
    });
    await second.answer.locator('.feedback[data-state="sent"]').waitFor();
    assert.equal(feedback.sent.length, 2);
  } finally {
    await context.close();
  }
});

test('an error reply is shown inline and the vote can be sent again', async () => {
  const { page, context, errors, feedback } = await openChat();
  try {
    const { answer } = await ask(page, QUESTION);
    // A 4xx with the API's error body shows its message.
    feedback.respond = () => ({
      status: 400,
      contentType: 'application/json',
      body: JSON.stringify({ error: { code: 'feedback_too_long', message: 'The comment is too long.' } }),
    });
    await answer.getByRole('button', { name: 'Not helpful' }).click();
    const comment = answer.getByRole('textbox', { name: /missing or wrong/ });
    await comment.fill('Too vague');
    await answer.getByRole('button', { name: 'Send' }).click();
    const alert = answer.locator('.fb-error');
    await alert.waitFor();
    assert.equal(await alert.getAttribute('role'), 'alert');
    assert.equal(await alert.textContent(), 'The comment is too long.');
    assert.equal(await answer.locator('.feedback').getAttribute('data-state'), 'error');
    assert.equal(await comment.inputValue(), 'Too vague', 'the comment is kept');

    // A 429 without the API's body gets a readable message of its own.
    feedback.respond = () => ({ status: 429, contentType: 'text/plain', body: 'Too Many Requests' });
    await answer.getByRole('button', { name: 'Send' }).click();
    await page.waitForFunction(
      () => /Too many ratings/.test(document.querySelector('.fb-error')?.textContent || ''),
    );
    assert.ok(await alert.isVisible());

    // The tracker is back: the same vote goes through.
    feedback.respond = () => ({ status: 202, contentType: 'application/json', body: '{"ok":true}' });
    await answer.getByRole('button', { name: 'Send' }).click();
    await answer.locator('.feedback[data-state="sent"]').waitFor();
    assert.equal(await alert.isVisible(), false, 'the error is gone');
    assert.match(await answer.locator('.fb-status').textContent(), /Thanks/);
    assert.equal(feedback.sent.length, 3);
    assert.deepEqual(feedback.sent.map((r) => r.postDataJSON().comment), ['Too vague', 'Too vague', 'Too vague']);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('a thumbs-up that fails can be tried again', async () => {
  const { page, context, feedback } = await openChat();
  try {
    const { answer } = await ask(page, QUESTION);
    feedback.respond = () => ({
      status: 429,
      contentType: 'application/json',
      body: JSON.stringify({ error: { code: 'rate_limited', message: 'Slow down a little' } }),
    });
    const up = answer.getByRole('button', { name: 'Helpful', exact: true });
    await up.click();
    await answer.locator('.fb-error').waitFor();
    assert.equal(await answer.locator('.fb-error').textContent(), 'Slow down a little');
    assert.equal(await up.getAttribute('aria-pressed'), 'false', 'not shown as voted');
    feedback.respond = () => ({ status: 200, contentType: 'application/json', body: '{"ok":true}' });
    await up.click();
    await answer.locator('.feedback[data-state="sent"]').waitFor();
    assert.equal(await up.getAttribute('aria-pressed'), 'true');
  } finally {
    await context.close();
  }
});
