// What the browser test files share: free ports, waiting for a server, pages that record the
// browser's errors, and how Chromium is started.

import assert from 'node:assert/strict';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

/** The cohort binary under test, Chromium, where screenshots go, and the demo's password. */
export const COHORT_BIN = path.resolve(process.env.COHORT_BIN || path.join(here, '..', 'target', 'debug', 'cohort'));
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const SCREENSHOT_DIR = path.join(here, 'screenshots');
export const DEMO_PASSWORD = 'cohort-demo-2027';

/** Debian's Chromium, headless, as these machines can run it. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
];

export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `url/readyz` answers 200; fails with the process's output if it exits first. */
export async function waitForReady(url, child, output, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let last = 'no response yet';
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`cohort exited early (code ${child.exitCode}, signal ${child.signalCode}):\n${output()}`);
    }
    try {
      const response = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2_000) });
      if (response.status === 200) return;
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = error.message;
    }
    await sleep(250);
  }
  throw new Error(`cohort not ready at ${url}/readyz after ${timeoutMs / 1000} s (${last}):\n${output()}`);
}

/** Opens a page in `context` that records console errors and uncaught page errors. */
export async function trackedPage(context, label) {
  const page = await context.newPage();
  page.problems = [];
  page.on('console', (message) => {
    if (message.type() === 'error') {
      const where = message.location()?.url || page.url();
      page.problems.push(`[${label}] console error on ${where}: ${message.text()}`);
    }
  });
  page.on('pageerror', (error) => {
    page.problems.push(`[${label}] page error on ${page.url()}: ${error.message}`);
  });
  return page;
}

/** Prints collected browser errors, so they are visible even when a test fails for another reason. */
export function reportBrowserErrors(...pages) {
  for (const problem of pages.flatMap((page) => page.problems)) console.log(problem);
}

export function assertNoBrowserErrors(...pages) {
  const problems = pages.flatMap((page) => page.problems);
  assert.deepEqual(problems, [], `browser reported errors:\n${problems.join('\n')}`);
}
