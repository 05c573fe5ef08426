// Smoke test of the built editor bundle (crates/cohort-web/assets/editor.js) in Chromium.
//
//   cd web/editor && ./build.sh && node --test test/smoke.mjs     (or: npm run smoke)
//
// Loads test/smoke.html from disk (it includes the bundle with a <script> tag and mounts the
// editor on its <textarea>), types with the keyboard, switches language, pastes, and checks
// textarea.value, highlighting, tab handling, focus and that the page made no network request
// and logged no console error. Also loads the page with JavaScript off: the textarea must be
// usable as it is.
//
// Environment: CHROMIUM_PATH (default /usr/bin/chromium), SMOKE_SCREENSHOT (a PNG path to save).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const PAGE_URL = pathToFileURL(path.join(here, 'smoke.html')).href;
const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

let browser;
before(async () => {
  browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
});
after(async () => {
  await browser?.close();
});

// Opens the page and records console errors, page errors and every non-file request.
async function open(options = {}) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  const problems = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error' || msg.type() === 'warning') problems.push(`console ${msg.type()}: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('request', (req) => {
    if (!req.url().startsWith('file:')) problems.push(`network request: ${req.url()}`);
  });
  await page.goto(PAGE_URL);
  return { context, page, problems };
}

const value = (page) => page.$eval('#code', (t) => t.value);
const mod = process.platform === 'darwin' ? 'Meta' : 'Control';

// The colour a token is drawn in, for the first span in the editor whose text is `text`.
async function tokenColor(page, text) {
  return page.evaluate((text) => {
    const span = [...document.querySelectorAll('.cm-content .cm-line span')].find((s) => s.textContent === text);
    return span ? getComputedStyle(span).color : null;
  }, text);
}

async function plainColor(page) {
  return page.$eval('.cm-content', (el) => getComputedStyle(el).color);
}

test('editor mounts, syncs the textarea, highlights, indents and reports pastes', async () => {
  const { context, page, problems } = await open();
  try {
    // Mounted in place of the textarea, labelled from its <label>.
    assert.equal(await page.evaluate(() => typeof window.CohortEditor), 'object');
    assert.deepEqual(Object.keys(await page.evaluate(() => window.CohortEditor)).sort(), ['mount', 'setLanguage', 'setValue']);
    assert.equal(await page.isVisible('#code'), false, 'textarea is hidden');
    assert.equal(await page.isVisible('.cm-editor.cohort-editor'), true, 'editor is shown');
    assert.equal(await page.getAttribute('.cm-content', 'aria-label'), 'Your solution');
    assert.equal(await page.getAttribute('.cm-content', 'role'), 'textbox');
    assert.ok((await page.$$('.cm-lineNumbers .cm-gutterElement')).length >= 6, 'line numbers');
    assert.equal(
      await page.evaluate(() => window.CohortEditor.mount(document.getElementById('code')) === window.view),
      true,
      'mounting twice returns the same view',
    );

    // C++ highlighting of the starter code.
    const plain = await plainColor(page);
    for (const token of ['#include', 'int', 'return', '"hi"', '42', '// starter']) {
      const color = await tokenColor(page, token);
      assert.ok(color, `a highlighted span for ${token}`);
      assert.notEqual(color, plain, `${token} is coloured`);
    }

    // Type with the keyboard: Enter indents after '{', '}' dedents by itself.
    await page.click('.cm-content');
    await page.keyboard.press(`${mod}+End`);
    await page.keyboard.type('int f(int x) {\nreturn x * 2;\n}');
    const typed = 'int f(int x) {\n    return x * 2;\n}';
    const starter = await page.$eval('#code', (t) => t.defaultValue);
    assert.equal(await value(page), starter + typed);
    assert.ok(await page.evaluate(() => window.inputEvents) > 10, 'input events fired on the textarea');
    assert.ok(await page.$('.cm-matchingBracket'), 'bracket matching marks the pair of the closing brace');

    // Undo and redo.
    await page.keyboard.press(`${mod}+z`);
    assert.notEqual(await value(page), starter + typed, 'undo changed the text');
    await page.keyboard.press(`${mod}+Shift+Z`);
    assert.equal(await value(page), starter + typed, 'redo restored it');

    // Tab indents the line instead of leaving the editor.
    await page.keyboard.press('Home');
    await page.keyboard.press('Tab');
    assert.ok((await value(page)).endsWith('\n    }'), 'Tab indented the last line');
    assert.equal(await page.evaluate(() => document.activeElement.classList.contains('cm-content')), true);
    await page.keyboard.press('Shift+Tab');
    assert.ok((await value(page)).endsWith('\n}'), 'Shift-Tab dedented it');

    // The form submits the editor's text through the textarea.
    await page.click('#submit');
    assert.equal(await page.evaluate(() => window.submitted), starter + typed);

    // Escape, then Tab, leaves the editor for the next control.
    await page.click('.cm-content');
    await page.keyboard.press('Escape');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'submit', 'Escape then Tab moves focus on');

    // Switch to Python with the <select>, then load Python code.
    await page.selectOption('#language', 'python3');
    assert.equal(await page.getAttribute('.cm-editor', 'data-language'), 'python3');
    const python = 'def solve(xs):\n    # sum them\n    return sum(xs)\n';
    await page.evaluate((text) => window.CohortEditor.setValue(window.view, text), python);
    assert.equal(await value(page), python);
    for (const token of ['def', 'return', '# sum them']) {
      assert.notEqual(await tokenColor(page, token), null, `a span for ${token}`);
      assert.notEqual(await tokenColor(page, token), plain, `${token} is coloured`);
    }
    // setValue starts a fresh history: undo does not bring the C++ back.
    await page.click('.cm-content');
    await page.keyboard.press(`${mod}+z`);
    assert.equal(await value(page), python);
    // Python indentation after a colon.
    await page.keyboard.press(`${mod}+End`);
    await page.keyboard.type('if True:\npass');
    assert.equal(await value(page), python + 'if True:\n    pass');

    // Java.
    await page.selectOption('#language', 'java');
    await page.evaluate(() =>
      window.CohortEditor.setValue(window.view, 'public class Main {\n    public static void main(String[] a) {}\n}\n'),
    );
    for (const token of ['public', 'class', 'static', 'void']) {
      assert.notEqual(await tokenColor(page, token), plain, `${token} is coloured`);
    }

    // C uses the C++ mode; an unknown id gives plain text, no error.
    await page.selectOption('#language', 'c');
    await page.evaluate(() => window.CohortEditor.setValue(window.view, 'int main(void) { return 0; }\n'));
    assert.notEqual(await tokenColor(page, 'return'), plain);
    await page.evaluate(() => window.CohortEditor.setLanguage(window.view, 'brainfuck'));
    assert.equal(await tokenColor(page, 'return'), null, 'no highlighting for an unknown language');
    await page.evaluate(() => window.CohortEditor.setLanguage(window.view, 'cpp'));

    // A paste is reported with its size and lands in the textarea.
    const pastesBefore = await page.evaluate(() => window.pastes.length);
    assert.equal(pastesBefore, 0, 'typing and setValue are not pastes');
    await page.click('.cm-content');
    await page.keyboard.press(`${mod}+End`);
    const pasted = 'int g() {\n    return 7;\n}\n';
    await page.evaluate((text) => {
      const data = new DataTransfer();
      data.setData('text/plain', text);
      document.querySelector('.cm-content').dispatchEvent(
        new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }),
      );
    }, pasted);
    assert.deepEqual(await page.evaluate(() => window.pastes), [pasted.length]);
    assert.ok((await value(page)).endsWith(pasted), 'pasted text is in the textarea');

    // A form reset shows the textarea's default value in the editor.
    await page.evaluate(() => document.getElementById('answer').reset());
    await page.waitForFunction(() => window.view.state.doc.toString() === document.getElementById('code').defaultValue);
    assert.equal(await value(page), starter);

    if (process.env.SMOKE_SCREENSHOT) {
      await page.evaluate(() => window.CohortEditor.setLanguage(window.view, 'cpp'));
      await page.screenshot({ path: process.env.SMOKE_SCREENSHOT, fullPage: true });
      console.log(`screenshot: ${process.env.SMOKE_SCREENSHOT}`);
    }
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('without JavaScript the plain textarea is the editor', async () => {
  const { context, page, problems } = await open({ javaScriptEnabled: false });
  try {
    assert.equal(await page.isVisible('#code'), true);
    assert.equal(await page.$('.cm-editor'), null);
    await page.fill('#code', 'print(1)\n');
    assert.equal(await value(page), 'print(1)\n');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});
