// The live coding pad across two web nodes, one of them killed mid-interview.
//
// Two `cohort` processes share one PostgreSQL database: node A runs the demo, node B serves.
// Each browser reaches them through its own small load balancer (a TCP proxy in this file) that
// sends a connection to its preferred node and, when that node refuses, to the other: the
// interviewer's prefers A, the candidate's prefers B, so every edit crosses between the nodes.
// Then node A is killed with SIGKILL while the interviewer is typing. The interviewer's editor
// reconnects, through its balancer, to node B; every character both people typed is in the
// document both end with, and in the store.
//
// Environment: as browser.test.mjs (COHORT_BIN, CHROMIUM_PATH, COHORT_E2E_KEEP), and PostgreSQL
// on 127.0.0.1:5432 with `psql` to create the database.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import {
  freePort, sleep, waitForReady, trackedPage, reportBrowserErrors, assertNoBrowserErrors,
  CHROMIUM_ARGS, COHORT_BIN, CHROMIUM_PATH, SCREENSHOT_DIR, DEMO_PASSWORD,
} from './support.mjs';

const READY_TIMEOUT_MS = 120_000;
const TEST_TIMEOUT_MS = 180_000;
const DATABASE = `cohort_e2e_pad_nodes_${process.pid}`;
const DATABASE_URL = `postgres://postgres@127.0.0.1:5432/${DATABASE}`;

let tmpDir;
let browser;
const nodes = {};
const balancers = [];

function psql(sql) {
  execFileSync('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-d', 'postgres', '-v', 'ON_ERROR_STOP=1', '-qc', sql],
    { env: { ...process.env, PGOPTIONS: '-c client_min_messages=warning' } });
}

/** Starts a `cohort` process on the shared database; resolves when it is ready. */
async function startNode(name, command) {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const node = { base, output: '' };
  node.child = spawn(
    COHORT_BIN,
    ['--data-dir', path.join(tmpDir, name), '--database-url', DATABASE_URL, '--listen', `127.0.0.1:${port}`, ...command],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, COHORT_LOG: process.env.COHORT_LOG || 'warn' } },
  );
  node.child.stdout.on('data', (chunk) => { node.output += chunk; });
  node.child.stderr.on('data', (chunk) => { node.output += chunk; });
  await waitForReady(base, node.child, () => node.output, READY_TIMEOUT_MS);
  nodes[name] = node;
  return node;
}

/**
 * A load balancer: a TCP proxy that connects each client to the first of `ports` that accepts,
 * as a balancer's health check would route around a dead node. Counts connections per port.
 */
async function balancer(ports) {
  const served = Object.fromEntries(ports.map((port) => [port, 0]));
  const server = net.createServer((client) => {
    client.pause();
    const tryPort = (index) => {
      if (index >= ports.length) {
        client.destroy();
        return;
      }
      const upstream = net.connect(ports[index], '127.0.0.1');
      let connected = false;
      upstream.once('connect', () => {
        connected = true;
        served[ports[index]] += 1;
        client.on('error', () => upstream.destroy());
        client.pipe(upstream);
        upstream.pipe(client);
        client.resume();
      });
      upstream.on('error', () => {
        // Refused: the node is down, so the next one is tried; a connection that was up and
        // broke takes its client down with it, as a balancer's would.
        if (connected) client.destroy();
        else tryPort(index + 1);
      });
    };
    tryPort(0);
  });
  const port = await freePort();
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  balancers.push(server);
  return { base: `http://127.0.0.1:${port}`, served };
}

const portOf = (base) => Number(new URL(base).port);

before(async () => {
  tmpDir = await mkdtemp(path.join(os.tmpdir(), 'cohort-e2e-nodes-'));
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  psql(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
  psql(`CREATE DATABASE ${DATABASE}`);
  await startNode('a', ['demo', '--candidates', '60']);
  await startNode('b', ['serve']);
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}, { timeout: 2 * READY_TIMEOUT_MS });

after(async () => {
  await browser?.close().catch(() => {});
  for (const server of balancers) server.close();
  for (const node of Object.values(nodes)) {
    if (node.child.exitCode === null && node.child.signalCode === null) {
      const exited = new Promise((resolve) => node.child.once('exit', resolve));
      node.child.kill('SIGKILL');
      await exited;
    }
  }
  try { psql(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`); } catch { /* already gone */ }
  if (tmpDir && !process.env.COHORT_E2E_KEEP) await rm(tmpDir, { recursive: true, force: true });
});

async function signIn(page, email) {
  await page.goto('/login');
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(DEMO_PASSWORD);
  await Promise.all([
    page.waitForURL((url) => url.pathname !== '/login'),
    page.getByRole('button', { name: 'Sign in' }).click(),
  ]);
}

test('a pad edited through two web nodes survives one of them killed mid-interview: the editor moves to the other node and no keystroke is lost', { timeout: TEST_TIMEOUT_MS }, async () => {
  // The demo prints its summary, with the live pad, once it has set everything up.
  const padLine = /coding pad: .*\/pads\/(\d+) as (\S+) and, in another browser, as (\S+)/;
  const printedBy = Date.now() + READY_TIMEOUT_MS;
  while (!padLine.test(nodes.a.output) && Date.now() < printedBy) await sleep(250);
  const line = padLine.exec(nodes.a.output);
  assert.ok(line, `the demo printed no coding pad:\n${nodes.a.output.slice(0, 4000)}`);
  const [, padId, interviewerEmail, candidateEmail] = line;
  const towardA = await balancer([portOf(nodes.a.base), portOf(nodes.b.base)]);
  const towardB = await balancer([portOf(nodes.b.base), portOf(nodes.a.base)]);
  const context = (base) => browser.newContext({ baseURL: base, viewport: { width: 1280, height: 800 } });
  const interviewerContext = await context(towardA.base);
  const candidateContext = await context(towardB.base);
  const interviewer = await trackedPage(interviewerContext, 'interviewer');
  const candidate = await trackedPage(candidateContext, 'candidate');
  const text = (page) => page.evaluate(() => document.querySelector('[data-pad]').cohortPad.text());
  const live = (page) => page.locator('[data-pad-status][data-state="live"]').waitFor();
  const contains = (page, fragment) => page.waitForFunction(
    (f) => document.querySelector('[data-pad]').cohortPad.text().includes(f), fragment);
  try {
    await signIn(interviewer, interviewerEmail);
    await signIn(candidate, candidateEmail);
    await interviewer.goto(`/pads/${padId}`);
    await candidate.goto(`/pads/${padId}`);
    await live(interviewer);
    await live(candidate);
    assert.ok(towardA.served[portOf(nodes.a.base)] > 0 && towardB.served[portOf(nodes.b.base)] > 0);
    assert.equal(towardA.served[portOf(nodes.b.base)], 0, 'the interviewer has used node A only');

    // Each sees the other's typing and cursor, across the nodes.
    await interviewer.locator('.cm-content').click();
    await interviewer.keyboard.press('Control+End');
    await interviewer.keyboard.type('\n# interviewer, on node A', { delay: 10 });
    await contains(candidate, '# interviewer, on node A');
    await candidate.locator('.cm-content').click();
    await candidate.keyboard.press('Control+End');
    await candidate.keyboard.type('\n# candidate, on node B', { delay: 10 });
    await contains(interviewer, '# candidate, on node B');
    await interviewer.locator('[data-pad-people] li', { hasText: 'Indira' }).waitFor();
    await candidate.locator('[data-pad-people] li').nth(1).waitFor();

    // The interviewer keeps typing; node A is killed in the middle of it.
    await interviewer.keyboard.press('Control+End');
    const typed = '\n# typed while node A dies: 0123456789 abcdefghijklmnopqrstuvwxyz';
    const typing = interviewer.keyboard.type(typed, { delay: 40 });
    await contains(candidate, '# typed while node A');
    nodes.a.child.kill('SIGKILL');
    const seenAtTheKill = await text(candidate);
    await typing;

    // The interviewer's editor reconnects on its own, to node B, and the two converge on a text
    // with everything both typed, including what the candidate had already seen.
    await live(interviewer);
    await contains(candidate, typed);
    const final = await text(interviewer);
    await candidate.waitForFunction((expected) => document.querySelector('[data-pad]').cohortPad.text() === expected, final);
    assert.ok(towardA.served[portOf(nodes.b.base)] > 0, 'the interviewer reached node B after the kill');
    for (const fragment of ['# interviewer, on node A', '# candidate, on node B', typed, seenAtTheKill.trim()]) {
      assert.ok(final.includes(fragment), `the pad lost ${JSON.stringify(fragment)}:\n${final}`);
    }

    // A reload (node B reads the pad from the store) shows the same document.
    await candidate.reload();
    await live(candidate);
    await candidate.waitForFunction((expected) => document.querySelector('[data-pad]').cohortPad.text() === expected, final);
    await interviewer.screenshot({ path: path.join(SCREENSHOT_DIR, '93-pad-after-node-killed.png'), fullPage: true });

    // A killed node's socket drops without a close frame, which Chromium reports; nothing else.
    for (const page of [interviewer, candidate]) {
      page.problems = page.problems.filter((p) => !/WebSocket connection to .* failed/.test(p));
    }
    assertNoBrowserErrors(interviewer, candidate);
  } finally {
    reportBrowserErrors(interviewer, candidate);
    await interviewerContext.close();
    await candidateContext.close();
  }
});
