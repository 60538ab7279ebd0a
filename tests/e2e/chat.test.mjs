// Real-browser end-to-end test of the chat page and the widget, against the
// real `twin serve` binary. See README.md in this folder.
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

// The server answers from TWIN_PROFILE when it is set, else data/digitaltwin.json.
const profile = JSON.parse(
  readFileSync(resolve(root, process.env.TWIN_PROFILE || 'data/digitaltwin.json'), 'utf8'),
);
const NAME = profile.person.name;
const HEADLINE = profile.person.headline;
const CURRENT = profile.experience.find((role) => !role.end);
assert.ok(CURRENT, 'the profile has a current role (an experience entry without `end`)');

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

/** A fresh page with the chat loaded (profile fetched, chips rendered). */
async function openChat(options = {}, path = '/') {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, ...options });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (err) => errors.push(err.message));
  await page.goto(twinUrl + path);
  await page.locator('#suggestions .chip').first().waitFor();
  return { page, context, errors };
}

const lastAnswer = (page) => page.locator('.msg.assistant').last();

/** Waits until the last answer has finished (done, error or stopped). */
async function waitForAnswer(page) {
  const answer = lastAnswer(page);
  await answer.and(page.locator('[data-state="done"], [data-state="error"], [data-state="stopped"]')).waitFor();
  return answer;
}

test('the page loads the profile: title, headline and suggested questions', async () => {
  const { page, context, errors } = await openChat();
  try {
    assert.match(await page.title(), new RegExp(NAME));
    assert.equal((await page.locator('#name').textContent()).trim(), NAME);
    assert.equal((await page.locator('#headline').textContent()).trim(), HEADLINE);
    assert.ok(await page.locator('#headline').isVisible());
    assert.ok((await page.locator('#suggestions .chip').count()) >= 3, 'at least 3 chips');
    assert.ok(await page.locator('#contact a[href^="mailto:"]').isVisible(), 'email link shown');
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('a typed question streams an answer with citations', async () => {
  const { page, context, errors } = await openChat();
  try {
    // Count distinct texts of the answer while it arrives.
    await page.evaluate(() => {
      window.__updates = [];
      new MutationObserver(() => {
        const el = [...document.querySelectorAll('.msg.assistant .answer-text')].pop();
        const text = el ? el.textContent : '';
        if (text && window.__updates[window.__updates.length - 1] !== text) window.__updates.push(text);
      }).observe(document.getElementById('log'), { subtree: true, childList: true, characterData: true });
      window.__inputDisabled = false;
      const input = document.getElementById('input');
      new MutationObserver(() => { window.__inputDisabled ||= input.disabled; })
        .observe(input, { attributes: true, attributeFilter: ['disabled'] });
    });
    const input = page.getByRole('textbox', { name: 'Your question' });
    // Shift+Enter is a new line, not a send.
    await input.fill('Where do you');
    await input.press('Shift+Enter');
    assert.equal(await input.inputValue(), 'Where do you\n');
    assert.equal(await page.locator('.msg').count(), 0);
    await input.fill('Where do you work now?');
    await input.press('Enter');
    await page.locator('.msg.user', { hasText: 'Where do you work now?' }).waitFor();

    const answer = await waitForAnswer(page);
    assert.equal(await answer.getAttribute('data-state'), 'done');
    const text = await answer.locator('.answer-text').textContent();
    assert.ok(text.includes(CURRENT.company), `answer names ${CURRENT.company}: ${text}`);
    assert.ok((await answer.locator('.sources .source').count()) >= 1, 'at least one source shown');
    assert.ok((await answer.locator('.cite').count()) >= 1, 'at least one [n] marker rendered');
    assert.equal(await answer.locator('.answer-text').evaluate((el) => /\[\d+\]/.test(el.textContent)), false,
      'no raw [n] markers left in the text');
    assert.ok(await page.evaluate(() => window.__inputDisabled), 'the input was disabled while answering');
    assert.ok(await input.isEnabled(), 'the input is re-enabled after done');
    // Streaming: the server sent the answer as several token events, and the
    // page showed it growing rather than all at once.
    const tokens = Number(await answer.getAttribute('data-tokens'));
    assert.ok(tokens > 1, `the answer arrived as ${tokens} token events`);
    const updates = await page.evaluate(() => window.__updates.length);
    assert.ok(updates > 1, `the answer grew on screen (${updates} distinct updates)`);

    // A citation marker highlights its source.
    await answer.locator('.cite').first().click();
    assert.equal(await answer.locator('.source.hl').count(), 1);

    await page.screenshot({ path: resolve(artifacts, 'chat.png') });
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('clicking a suggested question asks it; follow-ups send history', async () => {
  const { page, context } = await openChat();
  try {
    const chip = page.locator('#suggestions .chip').first();
    const question = (await chip.textContent()).trim();
    await chip.click();
    await page.locator('.msg.user', { hasText: question }).waitFor();
    const answer = await waitForAnswer(page);
    assert.equal(await answer.getAttribute('data-state'), 'done');
    assert.ok((await answer.locator('.answer-text').textContent()).trim().length > 0);
    assert.ok((await answer.locator('.sources .source').count()) >= 1, 'the answer cites a source');
    assert.notEqual(await answer.getAttribute('data-covered'), 'false');

    // A follow-up carries the conversation so far as history.
    const answerText = await answer.locator('.answer-text').evaluate((el) => {
      const copy = el.cloneNode(true);
      for (const marker of copy.querySelectorAll('.cite-wrap')) marker.remove();
      return copy.textContent;
    });
    const input = page.getByRole('textbox', { name: 'Your question' });
    await input.fill('And before that?');
    const [request] = await Promise.all([page.waitForRequest('**/api/chat'), input.press('Enter')]);
    const body = request.postDataJSON();
    assert.equal(body.message, 'And before that?');
    assert.equal(request.headers().accept, 'text/event-stream');
    assert.deepEqual(body.history.map((t) => t.role), ['user', 'assistant']);
    assert.equal(body.history[0].content, question);
    assert.equal(body.history[1].content.replace(/\s*\[\d+\]/g, ''), answerText.replace(/\s+$/, ''));
    await waitForAnswer(page);

    // New chat clears the conversation.
    await page.getByRole('button', { name: 'New chat' }).click();
    assert.equal(await page.locator('.msg').count(), 0);
    await input.fill('Where do you work now?');
    const [fresh] = await Promise.all([page.waitForRequest('**/api/chat'), input.press('Enter')]);
    assert.deepEqual(fresh.postDataJSON().history, []);
    await waitForAnswer(page);
  } finally {
    await context.close();
  }
});

test('an out-of-profile question is marked as not covered', async () => {
  const { page, context } = await openChat();
  try {
    const input = page.getByRole('textbox', { name: 'Your question' });
    await input.fill('What is the capital of Australia?');
    await input.press('Enter');
    const answer = await waitForAnswer(page);
    assert.equal(await answer.getAttribute('data-state'), 'done');
    assert.equal(await answer.getAttribute('data-covered'), 'false');
    assert.ok(await answer.locator('.not-covered').isVisible(), 'a "not covered" label is visible');
    assert.ok((await answer.locator('.answer-text').textContent()).trim().length > 0);
  } finally {
    await context.close();
  }
});

test('a server error is shown and the chat recovers', async () => {
  const { page, context } = await openChat();
  try {
    await page.route('**/api/chat', (route) => route.fulfill({
      status: 429,
      contentType: 'application/json',
      body: JSON.stringify({ error: { code: 'rate_limited', message: 'Slow down a little' } }),
    }));
    const input = page.getByRole('textbox', { name: 'Your question' });
    await input.fill('Where do you work now?');
    await input.press('Enter');
    const error = lastAnswer(page).locator('.msg-error');
    await error.waitFor();
    assert.match(await error.textContent(), /Slow down a little/);
    assert.ok(await input.isEnabled(), 'the input is usable again');

    // Retry once the server is reachable again.
    await page.unroute('**/api/chat');
    await error.getByRole('button', { name: 'Retry' }).click();
    const answer = await waitForAnswer(page);
    assert.equal(await answer.getAttribute('data-state'), 'done');
    assert.ok((await answer.locator('.answer-text').textContent()).trim().length > 0);
    assert.equal(await page.locator('.msg-error').count(), 0, 'the error is replaced by the answer');
  } finally {
    await context.close();
  }
});

test('the widget opens the chat in an iframe and Escape closes it', async () => {
  // The host page is on a made-up public origin. Chromium only lets a public
  // page load a script from loopback (where the twin runs in this test) when
  // the page is a secure context and the site holds the local-network-access
  // permission; a real twin on a public origin needs neither.
  const context = await browser.newContext({
    viewport: { width: 1280, height: 860 },
    permissions: ['local-network-access'],
  });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  try {
    const host = 'https://host.test/portfolio.html';
    await page.route(host, (route) => route.fulfill({
      contentType: 'text/html',
      // Hostile page CSS must not reach the widget.
      body: `<!doctype html><html><head><title>Portfolio</title>
        <style>button { all: unset; color: red } div, iframe { display: none !important }</style></head>
        <body><h1>Someone's portfolio</h1>
        <script src="${twinUrl}/widget.js" data-label="Ask my twin" async></script></body></html>`,
    }));
    await page.goto(host);
    const button = page.getByRole('button', { name: 'Ask my twin' });
    await button.waitFor();
    const box = await button.boundingBox();
    assert.ok(box.x > 1000 && box.y > 700, `bottom-right: ${JSON.stringify(box)}`);
    assert.equal(await button.getAttribute('aria-expanded'), 'false');

    await button.click();
    const frame = page.locator('iframe');
    await frame.waitFor();
    const src = await frame.getAttribute('src');
    assert.ok(src.startsWith(twinUrl), src);
    assert.ok(src.includes('embed=1'), src);
    const toggle = page.locator('[data-digital-twin] button');
    assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
    // The chat inside loads, in its compact layout.
    const chat = page.frameLocator('iframe');
    await chat.locator('#suggestions .chip').first().waitFor();
    assert.equal(await chat.locator('#contact').isVisible(), false, 'compact header in embed mode');
    await page.screenshot({ path: resolve(artifacts, 'widget.png') });

    await page.keyboard.press('Escape');
    await frame.waitFor({ state: 'hidden' });
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false');

    // Escape inside the chat (another origin) closes it too.
    await toggle.click();
    await frame.waitFor();
    await chat.getByRole('textbox', { name: 'Your question' }).click();
    await page.keyboard.press('Escape');
    await frame.waitFor({ state: 'hidden' });
  } finally {
    await context.close();
  }
});

test('on a phone the page fits the screen', async () => {
  const { page, context } = await openChat({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  try {
    const fits = () => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
    assert.ok(await fits(), 'no horizontal scroll on load');
    const input = page.getByRole('textbox', { name: 'Your question' });
    assert.ok(await input.isVisible());
    const box = await input.boundingBox();
    assert.ok(box.y >= 0 && box.y + box.height <= 844 && box.x >= 0 && box.x + box.width <= 390,
      `input inside the viewport: ${JSON.stringify(box)}`);
    await input.fill('Where do you work now?');
    await input.press('Enter');
    await waitForAnswer(page);
    assert.ok(await fits(), 'no horizontal scroll with an answer');
    await page.screenshot({ path: resolve(artifacts, 'chat-mobile.png') });
  } finally {
    await context.close();
  }
});

test('dark mode renders an answer', async () => {
  const { page, context } = await openChat({ colorScheme: 'dark' });
  try {
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const [r, g, b] = background.match(/\d+/g).map(Number);
    assert.ok(r + g + b < 150, `a dark background: ${background}`);
    await page.locator('#suggestions .chip').first().click();
    await waitForAnswer(page);
    await page.getByRole('textbox', { name: 'Your question' }).fill('What is the capital of Australia?');
    await page.keyboard.press('Enter');
    await waitForAnswer(page);
    await page.screenshot({ path: resolve(artifacts, 'chat-dark.png') });
  } finally {
    await context.close();
  }
});

test('the event-stream parser survives arbitrary chunk boundaries', async () => {
  const { page, context } = await openChat();
  try {
    const events = await page.evaluate(async () => {
      const text = ': keep-alive\r\n\r\nevent: meta\r\ndata: {"citations":[]}\r\n\r\n' +
        'event: token\ndata: {"text":"Olá 🚀 "}\n\n' +
        'event: token\rdata: {"text":\rdata: "two\\nlines"}\r\r' +
        'data: {"text":"unnamed"}\n\n' +
        'event: done\ndata: {"covered":true}\n\n';
      const bytes = new TextEncoder().encode(text);
      const seen = [];
      // Every byte in its own chunk: splits CRLF pairs and UTF-8 sequences.
      const body = new ReadableStream({
        start(controller) {
          for (const b of bytes) controller.enqueue(new Uint8Array([b]));
          controller.close();
        },
      });
      await window.DigitalTwin.readSse(body, (name, data) => seen.push([name, data]));
      return seen;
    });
    assert.deepEqual(events, [
      ['meta', { citations: [] }],
      ['token', { text: 'Olá 🚀 ' }],
      ['token', { text: 'two\nlines' }],
      ['message', { text: 'unnamed' }],
      ['done', { covered: true }],
    ]);
  } finally {
    await context.close();
  }
});

test('a network failure offers a retry', async () => {
  const { page, context } = await openChat();
  try {
    await page.route('**/api/chat', (route) => route.abort('internetdisconnected'));
    const input = page.getByRole('textbox', { name: 'Your question' });
    await input.fill('Where do you work now?');
    await input.press('Enter');
    const error = lastAnswer(page).locator('.msg-error');
    await error.waitFor();
    assert.match(await error.textContent(), /reach|offline|connection/i);
    assert.ok(await input.isEnabled());
    await page.unroute('**/api/chat');
    await error.getByRole('button', { name: 'Retry' }).click();
    const answer = await waitForAnswer(page);
    assert.equal(await answer.getAttribute('data-state'), 'done');
  } finally {
    await context.close();
  }
});
