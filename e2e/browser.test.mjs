// Browser end-to-end tests for Cohort.
//
// Starts the already-built `cohort` binary in demo mode on a free port with a throwaway data
// directory, then drives Debian's Chromium through playwright-core:
//
//   1. the public job board lists openings, filters by track, and shows an opening page;
//   2. a candidate signs up, applies with a PDF résumé and sees their status; a recruiter signs
//      in, finds the candidate by search and moves them Applied -> Screening -> Assessment; the
//      candidate then sees the new stage, opens the online assessment, starts it, writes a
//      solution in the code editor, runs the samples and submits, and sees both results (judged
//      by the server's in-process judge, which needs root like every sandbox test); the recruiter
//      then sees the score and the submitted code.
//
//   3. the live coding pad: two people type at once, one goes offline and both converge, a run's
//      output reaches both, the candidate never receives the interviewer's notes; a recruiter
//      replays the demo's past pad (see ARCHITECTURE.md's e2e section for the rest).
//
// Every page visited is saved as a full-page PNG in e2e/screenshots/ (its absolute path is
// printed), and any browser console error or uncaught page error fails the test.
//
// Environment:
//   COHORT_BIN       path to the cohort binary (default: ../target/debug/cohort)
//   CHROMIUM_PATH    path to the Chromium executable (default: /usr/bin/chromium)
//   COHORT_E2E_KEEP  set to keep the temporary data directory (for debugging)

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile, access, readFile, readdir, stat } from 'node:fs/promises';
import { constants as fsConstants } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import {
  freePort, sleep, waitForReady as waitForProcess, trackedPage, reportBrowserErrors, assertNoBrowserErrors,
  CHROMIUM_ARGS, COHORT_BIN, CHROMIUM_PATH, SCREENSHOT_DIR, DEMO_PASSWORD,
} from './support.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const RECRUITER_EMAIL = 'recruiter@demo.cohort.test';
const SEASON_NAME = 'Summer 2027';
const READY_TIMEOUT_MS = 60_000;
const TEST_TIMEOUT_MS = 120_000;
// The in-process judge may be verifying the built-in problems when the first submission arrives.
const ASSESSMENT_TEST_TIMEOUT_MS = 400_000;
const JUDGING_TIMEOUT_MS = 150_000;

let server; // child process
let serverOutput = '';
let dataDir;
let tmpDir;
let baseUrl;
let browser;

// ---------------------------------------------------------------------------------------------
// Helpers

const waitForReady = (url, child) => waitForProcess(url, child, () => serverOutput, READY_TIMEOUT_MS);

/** Builds a minimal, valid one-page PDF whose page shows `lines` in Helvetica. */
function minimalPdf(lines) {
  const escape = (s) => s.replace(/[\\()]/g, (c) => `\\${c}`);
  const text = lines
    .map((line, i) => `${i === 0 ? '' : '0 -16 Td '}(${escape(line)}) Tj`)
    .join('\n');
  const content = `BT\n/F1 12 Tf\n72 720 Td\n${text}\nET\n`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>',
    `<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}endstream`,
  ];
  let pdf = '%PDF-1.4\n%\xE2\xE3\xCF\xD3\n';
  const offsets = [];
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(pdf, 'latin1'));
    pdf += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xrefAt = Buffer.byteLength(pdf, 'latin1');
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) pdf += `${String(offset).padStart(10, '0')} 00000 n \n`;
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xrefAt}\n%%EOF\n`;
  return Buffer.from(pdf, 'latin1');
}

/** Saves a full-page screenshot and prints its absolute path. */
async function snap(page, name) {
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  console.log(`screenshot: ${file}  (${page.url()})`);
  return file;
}

/** Waits until `text` is visible somewhere on the page. */
async function seeText(page, text) {
  await page.getByText(text, { exact: false }).first().waitFor({ state: 'visible' });
}

/**
 * Clicks a control that submits a form or follows a link, waits for the resulting document to
 * load (after any redirects), and checks where it ended up. `expected` is a RegExp tested against
 * the path and query, or a predicate on the URL.
 */
// The newest link to `linkPath` in the mail the demo server wrote (as .eml files, since it has no
// SMTP server) to `recipient`. Bodies may be quoted-printable or base64, as lettre chose.
async function linkInMail(recipient, linkPath) {
  const folder = path.join(dataDir, 'mail');
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const names = (await readdir(folder).catch(() => [])).filter((n) => n.endsWith('.eml'));
    const found = [];
    for (const name of names) {
      const full = path.join(folder, name);
      const raw = (await readFile(full, 'utf8')).replace(/\r\n/g, '\n');
      const [head, ...rest] = raw.split('\n\n');
      if (!head.toLowerCase().includes(`to: ${recipient}`.toLowerCase())) continue;
      let body = rest.join('\n\n');
      if (/content-transfer-encoding: base64/i.test(head)) {
        body = Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
      } else if (/content-transfer-encoding: quoted-printable/i.test(head)) {
        body = body.replace(/=\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex) => String.fromCharCode(parseInt(hex, 16)));
      }
      const at = body.indexOf(linkPath);
      if (at >= 0) found.push({ mtime: (await stat(full)).mtimeMs, link: body.slice(at).split(/\s/)[0] });
    }
    if (found.length > 0) return found.sort((a, b) => b.mtime - a.mtime)[0].link;
    await sleep(250);
  }
  throw new Error(`no mail to ${recipient} with a link to ${linkPath} in ${folder}`);
}

// Runs axe-core (the accessibility engine browsers' audits use) on the page and fails on any
// serious or critical violation.
async function axeCheck(page, what) {
  // Evaluated through the DevTools protocol, which the page's Content Security Policy (rightly
  // strict about inline scripts) does not govern.
  await page.evaluate(await readFile(path.join(here, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8'));
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  const serious = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(
    serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
    [],
    `accessibility violations on ${what}`,
  );
}

async function clickAndLoad(page, locator, expected) {
  await Promise.all([page.waitForEvent('load'), locator.click()]);
  const url = new URL(page.url());
  const ok = expected instanceof RegExp ? expected.test(url.pathname + url.search) : expected(url);
  assert.ok(ok, `unexpected page after click: ${page.url()} (wanted ${expected})`);
}

// ---------------------------------------------------------------------------------------------
// Server and browser lifecycle

before(async () => {
  await access(COHORT_BIN, fsConstants.X_OK).catch(() => {
    throw new Error(`cohort binary not found or not executable: ${COHORT_BIN} (set COHORT_BIN)`);
  });
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  tmpDir = await mkdtemp(path.join(os.tmpdir(), 'cohort-e2e-'));
  dataDir = path.join(tmpDir, 'data');
  const port = await freePort();
  baseUrl = `http://127.0.0.1:${port}`;
  server = spawn(
    COHORT_BIN,
    [
      '--data-dir', dataDir, '--listen', `127.0.0.1:${port}`,
      'demo', '--candidates', '120', '--problems', path.join(here, '..', 'problems'),
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, COHORT_BASE_URL: baseUrl, RUST_LOG: process.env.RUST_LOG || 'warn' },
    },
  );
  server.stdout.on('data', (chunk) => { serverOutput += chunk; });
  server.stderr.on('data', (chunk) => { serverOutput += chunk; });
  const started = Date.now();
  await waitForReady(baseUrl, server);
  console.log(`cohort ready at ${baseUrl} in ${((Date.now() - started) / 1000).toFixed(1)} s (data: ${dataDir})`);

  browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
  });
}, { timeout: READY_TIMEOUT_MS + 30_000 });

after(async () => {
  await browser?.close().catch(() => {});
  if (server && server.exitCode === null && server.signalCode === null) {
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    let timer;
    const timedOut = await Promise.race([
      exited.then(() => false),
      new Promise((resolve) => { timer = setTimeout(() => resolve(true), 10_000); }),
    ]);
    clearTimeout(timer);
    if (timedOut) {
      console.log('cohort did not stop within 10 s of SIGTERM; killing it');
      server.kill('SIGKILL');
      await exited;
    }
  }
  if (tmpDir && !process.env.COHORT_E2E_KEEP) {
    await rm(tmpDir, { recursive: true, force: true });
  }
});

async function newContext() {
  return browser.newContext({
    baseURL: baseUrl,
    viewport: { width: 1280, height: 800 },
    locale: 'en-GB',
    timezoneId: 'Europe/London',
  });
}

// ---------------------------------------------------------------------------------------------
// Tests

test('public job board lists openings, filters by track and shows an opening', { timeout: TEST_TIMEOUT_MS }, async () => {
  const context = await newContext();
  const page = await trackedPage(context, 'visitor');
  try {
    await page.goto('/');
    await page.getByRole('heading', { name: 'Internship openings' }).waitFor();
    const cards = page.locator('ul.cards > li.card');
    const allCount = await cards.count();
    assert.ok(allCount > 0, 'the job board lists at least one opening');
    await snap(page, '01-job-board');

    await page.getByLabel('Track').selectOption({ label: 'Data Science' });
    await clickAndLoad(page, page.getByRole('button', { name: 'Filter' }), /[?&]track=Data(\+|%20)Science/);
    const filtered = await cards.allInnerTexts();
    assert.ok(filtered.length > 0, 'at least one Data Science opening');
    assert.ok(filtered.length <= allCount, 'filtering does not add openings');
    for (const card of filtered) {
      assert.match(card, /Data Science/, `every filtered card mentions Data Science:\n${card}`);
    }
    await snap(page, '02-job-board-data-science');

    const firstTitle = (await cards.first().locator('h2 a').innerText()).trim();
    await clickAndLoad(page, cards.first().locator('h2 a'), /\/openings\/\d+$/);
    await page.getByRole('heading', { level: 1, name: firstTitle }).waitFor();
    await seeText(page, 'Applications close');
    await snap(page, '03-opening');

    assertNoBrowserErrors(page);
  } finally {
    reportBrowserErrors(page);
    await context.close();
  }
});

test('every role lands on a home page that says what it can do, on a desktop and a phone', { timeout: TEST_TIMEOUT_MS }, async () => {
  const roles = [
    ['interviewer@demo.cohort.test', 'Home', 'Candidates book phone interviews with you'],
    ['mentor@demo.cohort.test', 'Home', 'No intern is matched to you yet.'],
    ['intern@demo.cohort.test', 'Your onboarding', 'appears here once you accept an offer'],
    ['manager@demo.cohort.test', 'Seasons', SEASON_NAME],
    ['candidate@demo.cohort.test', 'My applications', SEASON_NAME],
  ];
  for (const [email, heading, says] of roles) {
    const context = await newContext();
    const page = await trackedPage(context, email);
    try {
      await page.goto('/login');
      await page.getByLabel('Email', { exact: true }).fill(email);
      await page.getByLabel('Password', { exact: true }).fill(DEMO_PASSWORD);
      await clickAndLoad(page, page.getByRole('button', { name: 'Sign in' }), (url) => url.pathname !== '/login');
      await page.getByRole('heading', { level: 1, name: heading }).waitFor();
      await seeText(page, says);
      const role = email.split('@')[0];
      await snap(page, `05-home-${role}`);
      await page.setViewportSize({ width: 390, height: 844 });
      await snap(page, `05-home-${role}-phone`);
      // The page fits the phone: nothing scrolls sideways.
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `${role}'s home is ${overflow}px wider than a phone`);
      if (role !== 'candidate') {
        // Staff opening a candidate's page are sent home; an opening offers them no Apply.
        await page.goto('/me');
        await page.getByRole('heading', { level: 1, name: heading }).waitFor();
      }
      assertNoBrowserErrors(page);
    } finally {
      reportBrowserErrors(page);
      await context.close();
    }
  }
});

test('an administrator manages staff and a recruiter edits an opening from the setup sections', { timeout: TEST_TIMEOUT_MS }, async () => {
  const context = await newContext();
  const page = await trackedPage(context, 'admin');
  try {
    await page.goto('/login');
    await page.getByLabel('Email', { exact: true }).fill('admin@demo.cohort.test');
    await page.getByLabel('Password', { exact: true }).fill(DEMO_PASSWORD);
    await clickAndLoad(page, page.getByRole('button', { name: 'Sign in' }), (url) => url.pathname !== '/login');
    await page.goto('/admin');
    await page.getByRole('heading', { level: 1, name: 'Administration' }).waitFor();
    await snap(page, '06-admin-staff');
    await axeCheck(page, 'the administration page');
    // Make the mentor a buddy-matching interviewer too, then deactivate and reactivate them.
    const row = page.locator('tr', { hasText: 'mentor@demo.cohort.test' });
    await row.getByLabel('Interviewer').check();
    await clickAndLoad(page, row.getByRole('button', { name: 'Save roles' }), /^\/admin\?notice=roles$/);
    await seeText(page, 'Roles changed');
    page.once('dialog', (dialog) => dialog.accept());
    await clickAndLoad(page, page.locator('tr', { hasText: 'mentor@demo.cohort.test' }).getByRole('button', { name: 'Deactivate' }), /^\/admin\?notice=deactivated$/);
    await snap(page, '06b-admin-deactivated');
    await clickAndLoad(page, page.locator('tr', { hasText: 'mentor@demo.cohort.test' }).getByRole('button', { name: 'Reactivate' }), /^\/admin\?notice=reactivated$/);

    // The season's setup, one section at a time, and an opening edited.
    await page.goto('/staff');
    await clickAndLoad(page, page.getByRole('link', { name: 'Set up tracks, locations, pay and openings' }).first(), /\/setup$/);
    await snap(page, '07-setup-openings');
    await clickAndLoad(page, page.getByRole('link', { name: 'Pay bands' }), /section=pay$/);
    await snap(page, '07b-setup-pay');
    await clickAndLoad(page, page.getByRole('link', { name: 'Openings', exact: true }).last(), /section=openings$/);
    await clickAndLoad(page, page.getByRole('link', { name: 'Edit' }).first(), /\/staff\/openings\/\d+\/edit$/);
    await page.getByLabel('Headcount').fill('9');
    await snap(page, '07c-opening-edit');
    await axeCheck(page, 'the opening editor');
    await clickAndLoad(page, page.getByRole('button', { name: 'Save opening' }), /notice=opening-saved$/);
    await seeText(page, 'Opening saved');
    assertNoBrowserErrors(page);
  } finally {
    reportBrowserErrors(page);
    await context.close();
  }
});

test('candidate applies with a PDF, recruiter moves them to Assessment, candidate takes the coding assessment', { timeout: ASSESSMENT_TEST_TIMEOUT_MS }, async () => {
  const stamp = Date.now();
  const surname = `Tester${stamp}`;
  const name = `Playwright ${surname}`;
  const email = `playwright.${stamp}@example.com`;
  const password = `e2e-password-${stamp}`;
  // A word that appears only inside the PDF: finding the candidate by it proves the server
  // parsed the résumé.
  const resumeWord = `pdfword${stamp}`;

  const resumePath = path.join(tmpDir, `resume-${surname}.pdf`);
  await writeFile(resumePath, minimalPdf([
    `${name}`,
    'Computer Science student, Example University',
    `Skills: Rust, Python, TypeScript. Keyword ${resumeWord}`,
  ]));

  const candidateContext = await newContext();
  const recruiterContext = await newContext();
  const candidate = await trackedPage(candidateContext, 'candidate');
  const recruiter = await trackedPage(recruiterContext, 'recruiter');
  try {
    // (1) The candidate signs up ...
    await candidate.goto('/signup');
    await candidate.getByLabel('Full name').fill(name);
    await candidate.getByLabel('Email', { exact: true }).fill(email);
    await candidate.getByLabel('Password', { exact: true }).fill(password);
    await snap(candidate, '10-candidate-signup');
    await clickAndLoad(candidate, candidate.getByRole('button', { name: 'Create account' }), /^\/signup$/);
    await candidate.getByRole('heading', { name: 'Check your email' }).waitFor();
    await snap(candidate, '10b-candidate-check-your-email');
    // ... confirms the address with the link mailed to it and the password ...
    const confirmLink = await linkInMail(email, '/account/confirm?');
    await candidate.goto(confirmLink);
    await seeText(candidate, email);
    await candidate.getByLabel('Your Cohort password').fill(password);
    await snap(candidate, '10c-candidate-confirm-address');
    await clickAndLoad(candidate, candidate.getByRole('button', { name: 'Confirm my address' }), /^\/me\?notice=confirmed$/);
    await seeText(candidate, 'Your email address is confirmed.');
    await candidate.getByRole('heading', { name: 'My applications' }).waitFor();
    await snap(candidate, '11-candidate-my-applications-empty');

    // ... applies with a PDF résumé ...
    const applyLink = candidate.getByRole('link', { name: `Apply to ${SEASON_NAME}` });
    await clickAndLoad(candidate, applyLink, /\/apply\?season=\d+/);
    const firstChoice = candidate.getByLabel('First choice');
    const opening = await firstChoice.locator('option:not([value=""])').first().getAttribute('value');
    assert.ok(opening, 'the first choice offers at least one opening');
    await firstChoice.selectOption(opening);
    await candidate.getByLabel('School').fill('Example University');
    await candidate.getByLabel('Degree and major').fill('BSc Computer Science');
    await candidate.getByLabel('Graduation month').fill('2028-05');
    await candidate.getByLabel('Programming languages (optional)').fill('Rust, Python, TypeScript');
    await candidate.locator('textarea[name="links"]').fill(`https://github.com/${surname.toLowerCase()}`);
    await candidate.getByLabel('Résumé', { exact: true }).setInputFiles(resumePath);
    await candidate.getByLabel('Cover letter (optional)').fill(
      `Hello, I am ${name} and this application was submitted by an automated browser test.`,
    );
    await snap(candidate, '12-candidate-apply-form');
    await clickAndLoad(
      candidate,
      candidate.getByRole('button', { name: 'Submit application' }),
      /\/me\?notice=submitted$/,
    );

    // ... and sees their status.
    await seeText(candidate, 'Application submitted.');
    await seeText(candidate, 'Application received');
    assert.equal(await candidate.locator('p.stage').first().innerText(), 'Application received');
    await seeText(candidate, `resume-${surname}.pdf`);
    await snap(candidate, '13-candidate-submitted');
    await clickAndLoad(candidate, candidate.getByRole('button', { name: 'Sign out' }), (url) => !url.pathname.startsWith('/me'));

    // (2) A recruiter signs in ...
    await recruiter.goto('/login');
    await recruiter.getByLabel('Email', { exact: true }).fill(RECRUITER_EMAIL);
    await recruiter.getByLabel('Password', { exact: true }).fill(DEMO_PASSWORD);
    await snap(recruiter, '20-recruiter-login');
    await clickAndLoad(recruiter, recruiter.getByRole('button', { name: 'Sign in' }), /\/staff$/);
    await recruiter.getByRole('heading', { name: 'Seasons' }).waitFor();
    await snap(recruiter, '21-recruiter-seasons');

    // ... finds the candidate by search ...
    await clickAndLoad(
      recruiter,
      recruiter.getByRole('link', { name: SEASON_NAME, exact: true }).first(),
      /\/staff\/seasons\/\d+$/,
    );
    await snap(recruiter, '22-recruiter-board');
    // The board sorted by assessment score: the demo's candidates past the assessment scored.
    const boardUrl = new URL(recruiter.url());
    await recruiter.goto(`${boardUrl.pathname}?sort=score`);
    const topScore = await recruiter.locator('table.board tbody tr').first().locator('td').nth(6).innerText();
    assert.equal(topScore.trim(), '100 %', 'the best score comes first');
    await snap(recruiter, '22a-recruiter-board-by-score');
    await recruiter.goto(boardUrl.pathname);
    await recruiter.getByLabel('Search').fill(surname);
    await clickAndLoad(recruiter, recruiter.getByRole('button', { name: 'Apply filters' }), /[?&]q=Tester\d+/);
    const rows = recruiter.locator('table.board tbody tr');
    assert.equal(await rows.count(), 1, 'searching for the unique surname finds exactly one application');
    const candidateLink = rows.first().getByRole('link', { name });
    await candidateLink.waitFor();
    await snap(recruiter, '23-recruiter-board-search');

    // The text extracted from the PDF résumé is searchable too.
    await recruiter.getByLabel('Search').fill(resumeWord);
    await clickAndLoad(recruiter, recruiter.getByRole('button', { name: 'Apply filters' }), /[?&]q=pdfword\d+/);
    assert.equal(await rows.count(), 1, 'searching for a word only in the PDF résumé finds the application');
    await candidateLink.waitFor();
    await snap(recruiter, '23b-recruiter-board-search-resume-word');

    // ... and moves them Applied -> Screening -> Assessment.
    await clickAndLoad(recruiter, candidateLink, /\/staff\/applications\/\d+$/);
    await recruiter.getByRole('heading', { level: 1, name }).waitFor();
    await seeText(recruiter, `resume-${surname}.pdf`);
    await snap(recruiter, '24-recruiter-detail-applied');
    const detailUrl = recruiter.url();

    const newStage = recruiter.getByLabel('New stage');
    const fromApplied = await newStage.locator('option').evaluateAll((options) => options.map((o) => o.value));
    assert.ok(fromApplied.includes('screening'), `Applied can move to Screening (offered: ${fromApplied})`);
    assert.ok(!fromApplied.includes('assessment'), 'Applied cannot skip straight to Assessment');
    await newStage.selectOption('screening');
    await clickAndLoad(recruiter, recruiter.getByRole('button', { name: 'Move', exact: true }), /^\/staff\/applications\/\d+\?notice=moved$/);
    await seeText(recruiter, 'Stage updated; the candidate has been notified.');
    await recruiter.locator('p.meta .stage', { hasText: 'Screening' }).waitFor();
    await snap(recruiter, '25-recruiter-detail-screening');

    await newStage.selectOption('assessment');
    await clickAndLoad(recruiter, recruiter.getByRole('button', { name: 'Move', exact: true }), /^\/staff\/applications\/\d+\?notice=moved$/);
    await seeText(recruiter, 'Stage updated; the candidate has been notified.');
    await recruiter.locator('p.meta .stage', { hasText: 'Assessment' }).waitFor();
    assert.equal(new URL(recruiter.url()).pathname, new URL(detailUrl).pathname);
    await snap(recruiter, '26-recruiter-detail-assessment');

    // (3) The candidate signs back in and sees the new stage.
    await candidate.goto('/login');
    await candidate.getByLabel('Email', { exact: true }).fill(email);
    await candidate.getByLabel('Password', { exact: true }).fill(password);
    await clickAndLoad(candidate, candidate.getByRole('button', { name: 'Sign in' }), (url) => url.pathname !== '/login');
    if (new URL(candidate.url()).pathname !== '/me') {
      await candidate.goto('/me');
    }
    await seeText(candidate, 'Online coding assessment');
    assert.equal(await candidate.locator('p.stage').first().innerText(), 'Online coding assessment');
    await snap(candidate, '30-candidate-assessment');

    // (4) The candidate opens the assessment and starts it ...
    await clickAndLoad(candidate, candidate.getByRole('link', { name: 'Open the assessment' }), /^\/assessments\/\d+$/);
    await seeText(candidate, 'Before you start');
    await snap(candidate, '31-candidate-assessment-start');
    await clickAndLoad(candidate, candidate.getByRole('button', { name: 'Start the assessment' }), /^\/assessments\/\d+\?problem=1&tab=[A-Za-z0-9_-]+$/);
    await candidate.getByRole('heading', { level: 1, name: 'Build Queue' }).waitFor();

    // Opening the assessment's link again (as from another tab or site) takes nothing over: it
    // offers to continue here, and only that button (a POST) moves the session.
    const sessionUrl = new URL(candidate.url());
    await candidate.goto(sessionUrl.pathname);
    await candidate.getByRole('heading', { name: 'Your assessment is running' }).waitFor();
    await candidate.setViewportSize({ width: 390, height: 844 });
    await snap(candidate, '31b-candidate-assessment-continue-phone');
    await candidate.setViewportSize({ width: 1280, height: 800 });
    await clickAndLoad(candidate, candidate.getByRole('button', { name: 'Continue in this tab' }), /^\/assessments\/\d+\?problem=1&tab=[A-Za-z0-9_-]+$/);
    await candidate.getByRole('heading', { level: 1, name: 'Build Queue' }).waitFor();

    // ... writes a solution in the code editor ...
    const solution = await readFile(path.join(here, '..', 'problems', 'buildqueue', 'submissions', 'accepted', 'heap.py'), 'utf8');
    const editor = candidate.locator('.cohort-editor .cm-content');
    await editor.waitFor();
    // Changing the language while the editor holds the starter code offers the new language's.
    const starterDir = path.join(here, '..', 'problems', 'buildqueue', 'starter');
    assert.equal(await candidate.locator('textarea#code').inputValue(), await readFile(path.join(starterDir, 'solution.cpp'), 'utf8'));
    await candidate.getByLabel('Language').selectOption('python3');
    assert.equal(await candidate.locator('textarea#code').inputValue(), await readFile(path.join(starterDir, 'solution.py'), 'utf8'));
    // The statement's formulas are MathML, with no LaTeX source left.
    assert.ok(await candidate.locator('.statement math').count() > 5, 'formulas are MathML');
    assert.ok(!(await candidate.locator('.statement').innerText()).includes('\\ge'), 'no LaTeX source is shown');
    await axeCheck(candidate, 'the assessment session page');
    await editor.click();
    await candidate.keyboard.press('Control+A');
    await candidate.keyboard.press('Delete');
    // The solution arrives as a paste (typing it key by key would fight the editor's
    // auto-indentation), then a line is typed at the end.
    await editor.evaluate((element, text) => {
      const data = new DataTransfer();
      data.setData('text/plain', text);
      element.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    }, solution);
    await candidate.keyboard.press('Control+End');
    await candidate.keyboard.type('# typed in the browser');
    const written = `${solution}# typed in the browser`;
    assert.equal(await candidate.locator('textarea#code').inputValue(), written, 'the form field follows the editor');
    await candidate.waitForTimeout(300); // let the editor measure its new lines before the picture
    await snap(candidate, '32-candidate-session-editor');

    // ... runs the samples and sees each one's result ...
    await clickAndLoad(candidate, candidate.getByRole('button', { name: 'Run samples' }), /^\/assessments\/\d+\?problem=1&tab=[A-Za-z0-9_-]+&notice=samples$/);
    await candidate.locator('ol.results li', { hasText: 'Accepted: 2 of 2 samples passed' }).waitFor({ timeout: JUDGING_TIMEOUT_MS });
    // The "Running your code…" notice goes when the result is in.
    await candidate.locator('p.flash').waitFor({ state: 'detached' });
    await snap(candidate, '33-candidate-samples-passed');

    // ... submits, and sees the result on every test.
    await clickAndLoad(candidate, candidate.getByRole('button', { name: 'Submit', exact: true }), /^\/assessments\/\d+\?problem=1&tab=[A-Za-z0-9_-]+&notice=submitted$/);
    await candidate.locator('ol.results li', { hasText: /Accepted: \d+ of \d+ tests passed/ }).waitFor({ timeout: JUDGING_TIMEOUT_MS });
    await snap(candidate, '34-candidate-submission-accepted');

    // The session page works on a phone: nothing scrolls sideways.
    await candidate.setViewportSize({ width: 390, height: 844 });
    await snap(candidate, '34b-candidate-session-phone');
    const sideways = await candidate.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(sideways <= 0, `the session page is ${sideways}px wider than a phone`);
    await candidate.setViewportSize({ width: 1280, height: 800 });

    // The candidate is done: Finish asks first, then ends the assessment.
    candidate.once('dialog', (dialog) => dialog.accept());
    await clickAndLoad(candidate, candidate.getByRole('button', { name: 'Finish the assessment' }), /^\/assessments\/\d+$/);
    await seeText(candidate, 'Your assessment is over');
    await snap(candidate, '35-candidate-finished-early');

    // (5) The recruiter sees the score and the code.
    await recruiter.goto(detailUrl);
    await recruiter.getByRole('heading', { name: /^Online assessment: / }).waitFor();
    await recruiter.getByRole('cell', { name: '50.0 of 50' }).waitFor();
    await snap(recruiter, '40-recruiter-assessment-score');
    await clickAndLoad(recruiter, recruiter.getByRole('link', { name: 'Build Queue: submission' }), /^\/staff\/submissions\/\d+$/);
    await seeText(recruiter, 'AC: 13 of 13 tests passed');
    await recruiter.locator('.cohort-editor .cm-content', { hasText: '# typed in the browser' }).waitFor();
    await snap(recruiter, '41-recruiter-submission-code');

    assertNoBrowserErrors(candidate, recruiter);
  } finally {
    reportBrowserErrors(candidate, recruiter);
    await candidateContext.close();
    await recruiterContext.close();
  }
});

// A mail's text with every part decoded (base64 or quoted-printable, as lettre chose per part).
function decodedMail(raw) {
  const text = raw.replace(/\r\n/g, '\n');
  const decoded = [text];
  for (const match of text.matchAll(/content-transfer-encoding: *([\w-]+)\n(?:[^\n]+\n)*\n([\s\S]*?)(?=\n--|$)/gi)) {
    const [, encoding, body] = match;
    if (/base64/i.test(encoding)) {
      decoded.push(Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8'));
    } else if (/quoted-printable/i.test(encoding)) {
      const bytes = Buffer.from(body.replace(/=\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex) => String.fromCharCode(parseInt(hex, 16))), 'latin1');
      decoded.push(bytes.toString('utf8'));
    }
  }
  return decoded.join('\n');
}

// The address of the newest mail that links to `linkPath` and mentions `text` (the demo server
// writes mail as .eml files).
async function recipientOfMail(linkPath, text) {
  const folder = path.join(dataDir, 'mail');
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const found = [];
    for (const name of (await readdir(folder).catch(() => [])).filter((n) => n.endsWith('.eml'))) {
      const full = path.join(folder, name);
      const raw = await readFile(full, 'utf8');
      const to = /^to: (.*)$/im.exec(raw)?.[1];
      const mail = decodedMail(raw);
      if (to && mail.includes(linkPath) && mail.includes(text)) {
        found.push({ mtime: (await stat(full)).mtimeMs, to: to.replace(/.*</, '').replace(/>.*/, '').trim() });
      }
    }
    if (found.length > 0) return found.sort((a, b) => b.mtime - a.mtime)[0].to;
    await sleep(250);
  }
  throw new Error(`no mail linking to ${linkPath} that mentions ${text} in ${folder}`);
}

async function signIn(page, email) {
  await page.goto('/login');
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(DEMO_PASSWORD);
  await clickAndLoad(page, page.getByRole('button', { name: 'Sign in' }), (url) => url.pathname !== '/login');
}

async function fitsAPhone(page, what) {
  await page.setViewportSize({ width: 390, height: 844 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `${what} is ${overflow}px wider than a phone`);
}

test('a candidate books, moves and cancels a phone screen in their own time zone, on a desktop and a phone, and the interviewer sees it with a calendar link', { timeout: TEST_TIMEOUT_MS }, async () => {
  const candidateName = 'Casey Candidate';
  const recruiterContext = await newContext();
  // The candidate's browser is in India: the booking page detects it and shows times there.
  const candidateContext = await browser.newContext({
    baseURL: baseUrl, viewport: { width: 1280, height: 800 }, locale: 'en-IN', timezoneId: 'Asia/Kolkata',
  });
  const interviewerContext = await newContext();
  const recruiter = await trackedPage(recruiterContext, 'recruiter');
  const candidate = await trackedPage(candidateContext, 'candidate');
  const interviewer = await trackedPage(interviewerContext, 'interviewer');
  try {
    // The recruiter moves the demo candidate from Screening to Phone screen.
    await signIn(recruiter, RECRUITER_EMAIL);
    await clickAndLoad(recruiter, recruiter.getByRole('link', { name: SEASON_NAME, exact: true }).first(), /\/staff\/seasons\/\d+$/);
    await recruiter.getByLabel('Search').fill('Casey');
    await clickAndLoad(recruiter, recruiter.getByRole('button', { name: 'Apply filters' }), /[?&]q=Casey/);
    await clickAndLoad(recruiter, recruiter.getByRole('link', { name: candidateName }).first(), /\/staff\/applications\/\d+$/);
    await recruiter.getByLabel('New stage').selectOption('phone_screen');
    await clickAndLoad(recruiter, recruiter.getByRole('button', { name: 'Move', exact: true }), /\?notice=moved$/);
    await recruiter.locator('p.meta .stage', { hasText: 'Phone screen' }).waitFor();

    // The candidate is asked to book, and books the first time offered.
    await signIn(candidate, 'candidate@demo.cohort.test');
    await seeText(candidate, 'Pick a time for your phone interview.');
    await snap(candidate, '50-candidate-asked-to-book');
    await clickAndLoad(candidate, candidate.getByRole('link', { name: 'Book your phone interview' }), /\/phone-screen/);
    // The page knows the browser's zone (reported by the script on an earlier page, or detected
    // here) and shows the times in it.
    await candidate.getByRole('heading', { level: 1, name: 'Your phone interview' }).waitFor();
    await candidate.waitForFunction(() => document.querySelector('select[name="tz"]')?.value === 'Asia/Kolkata');
    await candidate.waitForLoadState('load');
    const first = candidate.locator('.times button').first();
    const firstTime = (await first.innerText()).trim();
    assert.match(firstTime, /^\d\d:\d\d$/);
    await axeCheck(candidate, 'the booking page');
    await snap(candidate, '51-candidate-booking-page');
    await fitsAPhone(candidate, 'the booking page');
    await snap(candidate, '51b-candidate-booking-page-phone');
    await candidate.setViewportSize({ width: 1280, height: 800 });
    await clickAndLoad(candidate, first, /notice=booked/);
    await seeText(candidate, 'Booked. We have emailed you a calendar invitation.');
    await seeText(candidate, `, ${firstTime}–`);
    await seeText(candidate, '(Asia/Kolkata)');
    await snap(candidate, '52-candidate-booked');
    await fitsAPhone(candidate, 'the booked page');
    await snap(candidate, '52b-candidate-booked-phone');
    await candidate.setViewportSize({ width: 1280, height: 800 });
    // ... moves it to the next day's first time ...
    await clickAndLoad(candidate, candidate.getByRole('link', { name: 'Move to another time' }), /\/move\?tz=/);
    await candidate.getByRole('heading', { level: 1, name: 'Move your phone interview' }).waitFor();
    await snap(candidate, '53-candidate-move-page');
    await candidate.locator('details.day').nth(1).locator('summary').click();
    const later = candidate.locator('details.day').nth(1).locator('.times button').first();
    const laterTime = (await later.innerText()).trim();
    await clickAndLoad(candidate, later, /notice=moved/);
    await seeText(candidate, 'Moved. We have emailed you the updated invitation.');
    await seeText(candidate, `, ${laterTime}–`);
    await snap(candidate, '53b-candidate-moved');
    // ... cancels it (after saying yes to the question) and books the first time again.
    candidate.once('dialog', (dialog) => dialog.accept());
    await clickAndLoad(candidate, candidate.getByRole('button', { name: 'Cancel', exact: true }), /notice=cancelled/);
    await seeText(candidate, 'Cancelled. Pick a new time whenever you are ready.');
    await snap(candidate, '53c-candidate-cancelled');
    await clickAndLoad(candidate, candidate.locator('.times button').first(), /notice=booked/);
    await candidate.goto('/me');
    await seeText(candidate, 'Phone interview with ');
    await snap(candidate, '54-candidate-status-booked');
    const interviewerName = /Phone interview with (.+?):/.exec(await candidate.locator('.callout').first().innerText())[1];

    // The interviewer it went to sees it under My interviews and makes a calendar link.
    const interviewerEmail = await recipientOfMail('/interviewer/interviews', `Hello ${interviewerName},`);
    await signIn(interviewer, interviewerEmail);
    await clickAndLoad(interviewer, interviewer.getByRole('link', { name: 'My interviews' }).first(), /^\/interviewer\/interviews$/);
    await interviewer.getByRole('heading', { level: 1, name: 'My interviews' }).waitFor();
    await seeText(interviewer, candidateName);
    await axeCheck(interviewer, 'My interviews');
    await snap(interviewer, '55-interviewer-my-interviews');
    await clickAndLoad(interviewer, interviewer.getByRole('button', { name: 'Make my calendar link' }), /notice=feed/);
    const feedLink = await interviewer.getByLabel('Your calendar link').inputValue();
    assert.match(feedLink, /\/calendar\/interviewers\/[A-Za-z0-9_-]+\.ics$/);
    const feed = await interviewer.request.get(feedLink);
    assert.equal(feed.status(), 200);
    const ics = await feed.text();
    assert.ok(ics.startsWith('BEGIN:VCALENDAR') && ics.includes(`Phone interview: ${candidateName}`), ics);
    await snap(interviewer, '56-interviewer-calendar-link');
    await fitsAPhone(interviewer, 'My interviews');
    await snap(interviewer, '56b-interviewer-my-interviews-phone');
    assertNoBrowserErrors(recruiter, candidate, interviewer);
  } finally {
    reportBrowserErrors(recruiter, candidate, interviewer);
    await recruiterContext.close();
    await candidateContext.close();
    await interviewerContext.close();
  }
});

test('a coordinator plans a week of final loops, sees an edit refused by the checker, publishes the draft, and an interviewer and the candidate see the loop', { timeout: TEST_TIMEOUT_MS }, async () => {
  const recruiterContext = await newContext();
  const interviewerContext = await newContext();
  const recruiter = await trackedPage(recruiterContext, 'recruiter');
  const interviewer = await trackedPage(interviewerContext, 'interviewer');
  const candidateContext = await newContext();
  const candidate = await trackedPage(candidateContext, 'candidate');
  try {
    await signIn(recruiter, RECRUITER_EMAIL);
    await clickAndLoad(recruiter, recruiter.getByRole('link', { name: SEASON_NAME, exact: true }).first(), /\/staff\/seasons\/\d+$/);
    const seasonId = /\/staff\/seasons\/(\d+)/.exec(recruiter.url())[1];
    await recruiter.goto(`/staff/seasons/${seasonId}/plans`);
    await recruiter.getByRole('heading', { level: 1, name: `Plan final loops for ${SEASON_NAME}` }).waitFor();
    // The demo published last week (which took place) and next week, and left a draft of the
    // week after.
    await recruiter.getByRole('cell', { name: 'Published' }).first().waitFor();
    await recruiter.getByRole('cell', { name: 'Draft' }).waitFor();
    await axeCheck(recruiter, 'the plans page');
    await snap(recruiter, '60-coordinator-plans');
    await fitsAPhone(recruiter, 'the plans page');
    await snap(recruiter, '60b-coordinator-plans-phone');
    await recruiter.setViewportSize({ width: 1280, height: 800 });

    // A new plan of one day runs on the engine, the page showing progress until it is done.
    await recruiter.locator('.day-picker input[type=checkbox]').nth(2).check();
    await recruiter.getByLabel(/Time limit for the engine/).fill('1');
    await clickAndLoad(recruiter, recruiter.getByRole('button', { name: 'Plan these days' }), /^\/staff\/plans\/\d+$/);
    await recruiter.getByText(/candidates have a loop\./).first().waitFor({ timeout: 30_000 });
    await snap(recruiter, '61-coordinator-new-plan');

    // The demo's draft: its bound, the candidates with their loops, and the grid.
    await recruiter.goto(`/staff/seasons/${seasonId}/plans`);
    const draftRow = recruiter.getByRole('row').filter({ has: recruiter.getByRole('cell', { name: 'Draft' }) }).last();
    await clickAndLoad(recruiter, draftRow.getByRole('link'), /^\/staff\/plans\/\d+$/);
    await seeText(recruiter, 'This is a draft');
    await seeText(recruiter, 'At most');
    await recruiter.getByRole('heading', { name: 'Interviewers by day' }).waitFor();
    assert.ok(await recruiter.locator('.plan-grid td.seat').count() >= 5);
    await axeCheck(recruiter, 'a draft plan');
    await snap(recruiter, '62-coordinator-draft');
    await fitsAPhone(recruiter, 'a draft plan');
    await snap(recruiter, '62b-coordinator-draft-phone');
    await recruiter.setViewportSize({ width: 1280, height: 800 });
    const planPath = new URL(recruiter.url()).pathname;

    // An interview moved to 03:00 is refused with the rule it breaks, and nothing changes.
    const byCandidate = recruiter.locator('section[aria-labelledby="by-candidate"] tbody tr').first();
    const candidateName = (await byCandidate.locator('td').first().innerText()).trim();
    await clickAndLoad(recruiter, byCandidate.getByRole('link'), /\/loops\/a\d+$/);
    await recruiter.getByRole('heading', { level: 1, name: `${candidateName}'s final loop` }).waitFor();
    await axeCheck(recruiter, 'a loop to edit');
    await snap(recruiter, '63-coordinator-loop');
    const start = recruiter.getByLabel('Starts').first();
    const was = await start.inputValue();
    await start.fill(`${was.slice(0, 10)}T03:00`);
    await clickAndLoad(recruiter, recruiter.getByRole('button', { name: 'Save interview 1' }), /\/move$/);
    await seeText(recruiter, 'Not saved:');
    // The refused edit answers 422 on purpose; Chromium logs that status as a console error.
    recruiter.problems = recruiter.problems.filter((problem) => !/\/move: Failed to load resource: .* 422 /.test(problem));
    await snap(recruiter, '63b-coordinator-edit-refused');
    assert.equal(await recruiter.getByLabel('Starts').first().inputValue(), was);

    // Publishing books the loops and turns the plan into a published one.
    await recruiter.goto(planPath);
    recruiter.once('dialog', (dialog) => dialog.accept());
    await clickAndLoad(recruiter, recruiter.getByRole('button', { name: 'Publish and send invitations' }), (url) => url.pathname === planPath);
    await seeText(recruiter, 'Published: candidates see their loop');
    await snap(recruiter, '64-coordinator-published');

    // An interviewer of a published loop sees it on their schedule, in their own time.
    const interviewerEmail = await recipientOfMail('/interviewer/interviews', `of ${candidateName}'s final loop`);
    await signIn(interviewer, interviewerEmail);
    await interviewer.goto('/interviewer/interviews');
    await seeText(interviewer, candidateName);
    await seeText(interviewer, 'Final loop, interview');
    await seeText(interviewer, 'tell the recruiting coordinator');
    await axeCheck(interviewer, 'My interviews with a loop');
    await snap(interviewer, '65-interviewer-loop-interview');

    // The candidate sees the whole loop on their status page, on a desktop and a phone.
    const candidateEmail = await recipientOfMail(`Hello ${candidateName},`, 'The attached invitation adds the whole loop');
    await signIn(candidate, candidateEmail);
    await candidate.goto('/me');
    await candidate.getByLabel('Your final interviews').waitFor();
    await seeText(candidate, 'prepare several stories');
    await axeCheck(candidate, 'the status page with a final loop');
    await snap(candidate, '66-candidate-final-loop');
    await fitsAPhone(candidate, 'the status page with a final loop');
    await snap(candidate, '66b-candidate-final-loop-phone');
    assertNoBrowserErrors(recruiter, interviewer, candidate);
  } finally {
    reportBrowserErrors(recruiter, interviewer, candidate);
    await recruiterContext.close();
    await interviewerContext.close();
    await candidateContext.close();
  }
});

test('an interviewer writes a STAR scorecard, saved as they type, submits it and only then reads the rest of the panel\'s feedback', { timeout: TEST_TIMEOUT_MS }, async () => {
  const recruiterContext = await newContext();
  const interviewerContext = await newContext();
  const recruiter = await trackedPage(recruiterContext, 'recruiter');
  const interviewer = await trackedPage(interviewerContext, 'interviewer');
  try {
    // The recruiter's list of overdue feedback names the interviewer to chase.
    await signIn(recruiter, RECRUITER_EMAIL);
    await recruiter.goto('/staff/feedback/overdue');
    await recruiter.getByRole('heading', { level: 1, name: 'Overdue feedback' }).waitFor();
    const row = recruiter.locator('tbody tr').first();
    const candidateName = (await row.locator('td').first().innerText()).trim();
    const applicationHref = await row.locator('td a').first().getAttribute('href');
    const applicationId = /\/staff\/applications\/(\d+)/.exec(applicationHref)[1];
    const interviewerEmail = (await row.locator('a[href^="mailto:"]').innerText()).trim();
    await axeCheck(recruiter, 'overdue feedback');
    await snap(recruiter, '70-recruiter-overdue-feedback');
    await fitsAPhone(recruiter, 'overdue feedback');
    await snap(recruiter, '70b-recruiter-overdue-feedback-phone');

    // The interviewer sees the interview as overdue, and nothing of the panel's feedback yet.
    await signIn(interviewer, interviewerEmail);
    await interviewer.goto('/interviewer/interviews');
    const done = interviewer.locator('li.interview').filter({ hasText: candidateName }).filter({ hasText: 'Overdue' }).first();
    await done.waitFor();
    await snap(interviewer, '71-interviewer-overdue');
    await interviewer.goto(`/feedback/applications/${applicationId}`);
    await seeText(interviewer, 'hidden until you submit your own feedback');
    assert.equal(await interviewer.locator('article.scorecard-read').count(), 0);
    await snap(interviewer, '72-interviewer-feedback-hidden');

    // The kit, then the scorecard.
    await interviewer.goto('/interviewer/interviews');
    await clickAndLoad(interviewer, done.getByRole('link', { name: /Write feedback|Continue your draft/ }), /\/interviewer\/interviews\/\d+\/feedback$/);
    const scorecardPath = new URL(interviewer.url()).pathname;
    await interviewer.goto(scorecardPath.replace(/feedback$/, 'kit'));
    await interviewer.getByRole('heading', { name: 'Time plan' }).waitFor();
    await axeCheck(interviewer, 'an interview kit');
    await snap(interviewer, '73-interviewer-kit');
    await fitsAPhone(interviewer, 'an interview kit');
    await snap(interviewer, '73b-interviewer-kit-phone');
    await interviewer.setViewportSize({ width: 1280, height: 800 });
    await interviewer.goto(scorecardPath);
    await interviewer.getByRole('heading', { level: 1, name: `Feedback: ${candidateName}` }).waitFor();
    for (const box of await interviewer.locator('.scorecard-form textarea').all()) {
      await box.fill(`Heard from ${candidateName}: a concrete example with a measured result.`);
    }
    for (const group of await interviewer.locator('.scorecard-form fieldset.rating').all()) {
      await group.locator('input[type=radio][value="3"]').check();
    }
    await interviewer.getByLabel('Hire', { exact: true }).check();
    // The draft saves itself while they type.
    await interviewer.waitForFunction(() => /Draft saved at/.test(document.querySelector('[data-autosave-status]').textContent), null, { timeout: 15_000 });
    await axeCheck(interviewer, 'a scorecard');
    await snap(interviewer, '74-interviewer-scorecard');
    await fitsAPhone(interviewer, 'a scorecard');
    await snap(interviewer, '74b-interviewer-scorecard-phone');
    await interviewer.setViewportSize({ width: 1280, height: 800 });
    interviewer.once('dialog', (dialog) => dialog.accept());
    await clickAndLoad(interviewer, interviewer.getByRole('button', { name: 'Submit feedback' }), /notice=submitted/);
    await seeText(interviewer, 'Feedback submitted and locked');
    await snap(interviewer, '75-interviewer-submitted');

    // Only now the rest of the panel's feedback shows.
    await clickAndLoad(interviewer, interviewer.getByRole('link', { name: "Read the panel's feedback" }), /\/feedback\/applications\/\d+$/);
    assert.ok(await interviewer.locator('article.scorecard-read').count() >= 2);
    await seeText(interviewer, 'gave clear, specific examples');
    await axeCheck(interviewer, "the panel's feedback");
    await snap(interviewer, '76-interviewer-panel-feedback');
    await fitsAPhone(interviewer, "the panel's feedback");
    await snap(interviewer, '76b-interviewer-panel-feedback-phone');

    // Recruiters see calibration (with the demo's outliers) and the question bank.
    await recruiter.setViewportSize({ width: 1280, height: 800 });
    await recruiter.goto('/staff/calibration');
    await recruiter.locator('svg[role=img]').waitFor();
    await seeText(recruiter, 'Outlier');
    await axeCheck(recruiter, 'calibration');
    await snap(recruiter, '77-recruiter-calibration');
    await fitsAPhone(recruiter, 'calibration');
    await snap(recruiter, '77b-recruiter-calibration-phone');
    await recruiter.setViewportSize({ width: 1280, height: 800 });
    await recruiter.goto('/staff/questions');
    await seeText(recruiter, 'Tell me about');
    await axeCheck(recruiter, 'the question bank');
    await snap(recruiter, '78-recruiter-question-bank');
    assertNoBrowserErrors(recruiter, interviewer);
  } finally {
    reportBrowserErrors(recruiter, interviewer);
    await recruiterContext.close();
    await interviewerContext.close();
  }
});

test('a debrief runs from written votes through the bar raiser\'s veto to a decision that moves the candidate to Offer', { timeout: TEST_TIMEOUT_MS }, async () => {
  const recruiterContext = await newContext();
  const recruiter = await trackedPage(recruiterContext, 'recruiter');
  const voters = [];
  try {
    await signIn(recruiter, RECRUITER_EMAIL);
    await recruiter.goto('/staff/debriefs');
    const waiting = recruiter.locator('tbody tr').filter({ hasText: 'have voted' }).first();
    await waiting.waitFor();
    await snap(recruiter, '80-recruiter-open-debriefs');
    await clickAndLoad(recruiter, waiting.getByRole('link'), /^\/debriefs\/\d+$/);
    const debriefPath = new URL(recruiter.url()).pathname;
    await recruiter.getByRole('heading', { name: 'Principles, technical areas and ratings' }).waitFor();
    await seeText(recruiter, 'Waiting for:');
    const awaited = await recruiter.evaluate(() => Array.from(document.querySelectorAll('a.voter')).map((a) => ({
      email: a.getAttribute('href').slice('mailto:'.length),
      barRaiser: (a.nextSibling?.textContent || '').includes('bar raiser'),
    })));
    assert.ok(awaited.some((v) => v.barRaiser), `the bar raiser has not voted yet: ${JSON.stringify(awaited)}`);
    await axeCheck(recruiter, 'a debrief waiting for votes');
    await snap(recruiter, '81-recruiter-debrief-waiting');
    await fitsAPhone(recruiter, 'a debrief');
    await snap(recruiter, '81b-recruiter-debrief-waiting-phone');
    await recruiter.setViewportSize({ width: 1280, height: 800 });

    // Each awaited interviewer writes a vote; the bar raiser votes no hire.
    let barRaiser;
    for (const voter of awaited) {
      const context = await newContext();
      const page = await trackedPage(context, voter.email);
      voters.push({ context, page });
      await signIn(page, voter.email);
      await page.goto(debriefPath);
      await page.getByLabel(voter.barRaiser ? 'No hire' : 'Hire', { exact: true }).check();
      await page.getByLabel('In a sentence, why').fill(voter.barRaiser ? 'Not yet above the bar on ownership.' : 'Strong examples throughout.');
      await clickAndLoad(page, page.getByRole('button', { name: 'Record my vote' }), /notice=voted/);
      await seeText(page, 'Your vote is recorded.');
      if (voter.barRaiser) barRaiser = page;
    }
    await snap(voters[voters.length - 1].page, '82-interviewer-voted');

    // All in: the votes are revealed, and the bar raiser's no hire vetoes a hire.
    await recruiter.goto(debriefPath);
    await seeText(recruiter, 'Every vote is revealed');
    await seeText(recruiter, 'Not yet above the bar on ownership.');
    await recruiter.getByLabel('Hire: move to Offer').check();
    recruiter.once('dialog', (dialog) => dialog.accept());
    await clickAndLoad(recruiter, recruiter.getByRole('button', { name: 'Record the decision' }), /\/decision$/);
    await seeText(recruiter, 'this season gives the bar raiser a veto');
    // The refusal answers 409 on purpose; Chromium logs that status as a console error.
    recruiter.problems = recruiter.problems.filter((problem) => !/\/decision: Failed to load resource: .* 409 /.test(problem));
    await snap(recruiter, '83-recruiter-veto');

    // After the discussion the bar raiser changes their vote; both votes are kept.
    await barRaiser.goto(debriefPath);
    await barRaiser.getByLabel('Hire', { exact: true }).check();
    await barRaiser.getByLabel('In a sentence, why').fill('Persuaded by the system design evidence.');
    await clickAndLoad(barRaiser, barRaiser.getByRole('button', { name: 'Record my vote' }), /notice=voted/);
    await seeText(barRaiser, 'changed after the reveal');

    await recruiter.goto(debriefPath);
    await recruiter.getByLabel('Hire: move to Offer').check();
    await recruiter.getByLabel('Note for the record (optional)').fill('Decided after the bar raiser changed their vote.');
    recruiter.once('dialog', (dialog) => dialog.accept());
    await clickAndLoad(recruiter, recruiter.getByRole('button', { name: 'Record the decision' }), /notice=decided/);
    await seeText(recruiter, 'Decision recorded and the application moved');
    await recruiter.locator('.stage', { hasText: 'Offer' }).first().waitFor();
    await axeCheck(recruiter, 'a decided debrief');
    await snap(recruiter, '84-recruiter-debrief-decided');
    assertNoBrowserErrors(recruiter, ...voters.map((v) => v.page));
  } finally {
    reportBrowserErrors(recruiter, ...voters.map((v) => v.page));
    await recruiterContext.close();
    for (const voter of voters) await voter.context.close();
  }
});

// The demo keeps one phone screen about to start with Indira Interviewer; its line in the demo's
// output names the pad and the candidate.
function livePad() {
  const line = /coding pad: .*\/pads\/(\d+) as (\S+) and, in another browser, as (\S+)/.exec(serverOutput);
  assert.ok(line, `the demo printed no coding pad:\n${serverOutput.slice(0, 4000)}`);
  return { id: line[1], interviewer: line[2], candidate: line[3] };
}

test('an interviewer and a candidate type into the same pad at once, one edits offline and both converge, a run\'s output appears in both, and the candidate never receives the interviewer\'s notes', { timeout: JUDGING_TIMEOUT_MS + TEST_TIMEOUT_MS }, async () => {
  const pad = livePad();
  const interviewerContext = await newContext();
  const candidateContext = await newContext();
  const interviewer = await trackedPage(interviewerContext, 'interviewer');
  const candidate = await trackedPage(candidateContext, 'candidate');
  // Everything the candidate's browser receives over the pad's WebSocket.
  const candidateFrames = [];
  candidate.on('websocket', (socket) => {
    socket.on('framereceived', (frame) => candidateFrames.push(Buffer.from(frame.payload)));
  });
  const text = (page) => page.evaluate(() => document.querySelector('[data-pad]').cohortPad.text());
  const live = (page) => page.locator('[data-pad-status][data-state="live"]').waitFor();
  try {
    await signIn(interviewer, pad.interviewer);
    await signIn(candidate, pad.candidate);
    // Each finds the pad from their own page.
    await clickAndLoad(interviewer, interviewer.getByRole('link', { name: 'My interviews' }).first(), /^\/interviewer\/interviews$/);
    await clickAndLoad(interviewer, interviewer.locator(`a[href="/pads/${pad.id}"]`).first(), new RegExp(`^/pads/${pad.id}$`));
    await clickAndLoad(candidate, candidate.locator(`a[href="/pads/${pad.id}"]`).first(), new RegExp(`^/pads/${pad.id}$`));
    await live(interviewer);
    await live(candidate);

    // The pad starts with the language's starter; switching language while the code is still
    // the starter swaps it for the new language's, on both pages.
    const padText = (page, fragment) => page.waitForFunction((f) => document.querySelector('[data-pad]').cohortPad.text().includes(f), fragment);
    await padText(candidate, 'for line in sys.stdin:');
    await interviewer.getByLabel('Language').selectOption('c');
    await padText(candidate, '#include <stdio.h>');
    await candidate.waitForFunction(() => document.querySelector('select[data-pad-language-choice]').value === 'c');
    assert.ok(!(await text(candidate)).includes('sys.stdin'));
    await interviewer.getByLabel('Language').selectOption('python3');
    await padText(candidate, 'for line in sys.stdin:');

    // Both type at once, at the same place in the document.
    await interviewer.locator('.cm-content').click();
    await candidate.locator('.cm-content').click();
    await Promise.all([
      interviewer.keyboard.type('# interviewer: read n numbers', { delay: 15 }),
      candidate.keyboard.type('print(sum(map(int, input().split())))', { delay: 15 }),
    ]);
    await interviewer.waitForFunction(() => {
      const t = document.querySelector('[data-pad]').cohortPad.text();
      return t.includes('# interviewer: read n numbers') && t.includes('print(sum(map(int, input().split())))');
    });
    await candidate.waitForFunction((expected) => document.querySelector('[data-pad]').cohortPad.text() === expected, await text(interviewer));
    assert.equal(await text(candidate), await text(interviewer));
    await seeText(interviewer, 'Here now:');
    await interviewer.locator('[data-pad-people] li', { hasText: pad.candidate.split('.')[0].replace(/^./, (c) => c.toUpperCase()) }).waitFor();

    // The candidate's network drops (Chromium's offline mode refuses new connections; the open
    // socket is cut by hand, as a dead network would), she keeps typing, and comes back: both
    // end with the same text.
    await candidateContext.setOffline(true);
    await candidate.evaluate(() => document.querySelector('[data-pad]').cohortPad.provider.ws.close());
    await candidate.locator('[data-pad-status][data-state="disconnected"], [data-pad-status][data-state="connecting"]').waitFor();
    await snap(candidate, '90-pad-candidate-offline');
    await candidate.keyboard.press('End');
    await candidate.keyboard.type(' # typed offline', { delay: 10 });
    await interviewer.keyboard.press('End');
    await interviewer.keyboard.type(' (meanwhile)', { delay: 10 });
    assert.ok(!(await text(interviewer)).includes('typed offline'));
    await candidateContext.setOffline(false);
    await live(candidate);
    // Chromium logs each reconnection refused while offline; those were expected.
    candidate.problems = candidate.problems.filter((p) => !/WebSocket connection to .* failed/.test(p));
    await interviewer.waitForFunction(() => document.querySelector('[data-pad]').cohortPad.text().includes('# typed offline'));
    await candidate.waitForFunction(() => document.querySelector('[data-pad]').cohortPad.text().includes('(meanwhile)'));
    assert.equal(await text(candidate), await text(interviewer));

    // The interviewer replaces the code with a program, types its input and runs it: the output
    // appears on both pages, judged by the server's in-process judge in the sandbox.
    const program = 'print(sum(map(int, input().split())))\n';
    await interviewer.locator('.cm-content').click();
    await interviewer.keyboard.press('Control+a');
    await interviewer.keyboard.type(program, { delay: 5 });
    await candidate.waitForFunction((expected) => document.querySelector('[data-pad]').cohortPad.text() === expected, program);
    await interviewer.getByLabel('Input (standard input)').fill('19 23');
    await interviewer.getByRole('button', { name: 'Run', exact: true }).click();
    for (const page of [candidate, interviewer]) {
      await page.locator('[data-pad-run-list] li[data-done="true"] pre.stdout', { hasText: '42' }).waitFor({ timeout: JUDGING_TIMEOUT_MS });
      await seeText(page, 'Finished');
      await seeText(page, 'ms CPU');
    }

    // The interviewer's private notes are saved as they type and stay on their page only.
    const secret = 'Private: strong on input parsing, probe complexity';
    await interviewer.getByLabel('Notes', { exact: true }).fill(secret);
    await seeText(interviewer, 'Saved.');
    await interviewer.keyboard.press('Tab');
    await candidate.reload();
    await live(candidate);
    assert.ok(!(await candidate.content()).includes('probe complexity'));
    const traffic = Buffer.concat(candidateFrames).toString('latin1');
    assert.ok(traffic.includes('input().split()'), 'the candidate received the code over the socket');
    assert.ok(!traffic.includes('probe complexity'), 'the notes travelled to the candidate');

    await axeCheck(interviewer, 'the interviewer\'s pad');
    await axeCheck(candidate, 'the candidate\'s pad');
    await snap(interviewer, '91-pad-interviewer');
    await snap(candidate, '92-pad-candidate');
    await fitsAPhone(candidate, 'the candidate\'s pad');
    await snap(candidate, '92b-pad-candidate-phone');
    await fitsAPhone(interviewer, 'the interviewer\'s pad');
    await snap(interviewer, '91b-pad-interviewer-phone');
    assertNoBrowserErrors(interviewer, candidate);
  } finally {
    reportBrowserErrors(interviewer, candidate);
    await interviewerContext.close();
    await candidateContext.close();
  }
});

test('a recruiter replays the demo\'s past coding pad: the last state, a moment dragged to, playback, and the run beside it', { timeout: JUDGING_TIMEOUT_MS + TEST_TIMEOUT_MS }, async () => {
  const line = /past coding pad: (\d+) changes and a run to replay at \S*\/pads\/(\d+)\/replay/.exec(serverOutput);
  assert.ok(line, 'the demo printed no past coding pad');
  const [changes, id] = [Number(line[1]), line[2]];
  const context = await newContext();
  const recruiter = await trackedPage(context, 'recruiter');
  const editorText = () => recruiter.evaluate(() => document.querySelector('[data-pad-replay] .cm-content').innerText);
  try {
    await signIn(recruiter, RECRUITER_EMAIL);
    await recruiter.goto(`/pads/${id}/replay`);
    await recruiter.locator('[data-pad-replay][data-replay-ready="true"]').waitFor();
    await seeText(recruiter, `Change ${changes} of ${changes}`);
    assert.match(await editorText(), /def two_sum\(numbers, target\):/);
    // The run the interviewer made, judged in the sandbox when the demo started.
    await recruiter.locator('[data-pad-run-list] li[data-done="true"] pre.stdout', { hasText: '0 1' }).waitFor({ timeout: JUDGING_TIMEOUT_MS }).catch(async () => {
      await recruiter.reload();
      await recruiter.locator('[data-pad-run-list] li[data-done="true"] pre.stdout', { hasText: '0 1' }).waitFor({ timeout: JUDGING_TIMEOUT_MS });
    });
    await axeCheck(recruiter, 'the pad replay');
    await snap(recruiter, '93-pad-replay-end');

    // Dragged back to the second change: only the interviewer's pasted question.
    await recruiter.locator('[data-replay-position]').fill('2');
    await seeText(recruiter, `Change 2 of ${changes}`);
    await seeText(recruiter, 'typed by the interviewer');
    const question = await editorText();
    assert.match(question, /^# Two sums/);
    assert.ok(!question.includes('import sys'), question);
    await recruiter.locator('[data-replay-position]').fill('0');
    assert.equal((await editorText()).trim(), '');
    await snap(recruiter, '94-pad-replay-start');

    // Playing at 30 times moves forward through the candidate's typing.
    await recruiter.getByLabel('Speed').selectOption('30');
    await recruiter.getByRole('button', { name: 'Play' }).click();
    await recruiter.waitForFunction(() => document.querySelector('[data-pad-replay]').cohortReplay.at >= 5);
    await recruiter.getByRole('button', { name: 'Pause' }).click();
    const paused = await recruiter.evaluate(() => document.querySelector('[data-pad-replay]').cohortReplay.at);
    await sleep(500);
    assert.equal(await recruiter.evaluate(() => document.querySelector('[data-pad-replay]').cohortReplay.at), paused);
    await fitsAPhone(recruiter, 'the pad replay');
    await snap(recruiter, '94b-pad-replay-phone');
    assertNoBrowserErrors(recruiter);
  } finally {
    reportBrowserErrors(recruiter);
    await context.close();
  }
});

test('a recruiter drafts an exception into an offer, the hiring manager and a recruiting lead approve it, it is sent, the candidate reads it on a phone, accepts, and starts their onboarding checklist', { timeout: TEST_TIMEOUT_MS }, async () => {
  const pages = [];
  const open = async (label) => {
    const context = await newContext();
    const page = await trackedPage(context, label);
    pages.push({ context, page });
    return page;
  };
  try {
    // The recruiter takes the demo's draft offer and adds a sign-on bonus the band does not have.
    const recruiter = await open('recruiter');
    await signIn(recruiter, RECRUITER_EMAIL);
    await recruiter.goto('/staff/offers');
    await clickAndLoad(recruiter, recruiter.getByRole('link', { name: /^Draft \(/ }), /state=draft/);
    await snap(recruiter, '90-recruiter-offers');
    await clickAndLoad(recruiter, recruiter.locator('tbody a[href^="/staff/offers/"]').first(), /^\/staff\/offers\/\d+$/);
    const offerPath = new URL(recruiter.url()).pathname;
    const candidateName = (await recruiter.locator('h1').innerText()).replace(/^Offer to /, '').replace(/\s*Draft$/, '').trim();
    await recruiter.getByLabel('Sign-on bonus').fill('1500');
    await recruiter.getByLabel(/Reason for an exception/).fill('Matches a competing offer; the bar raiser rated ownership strongly.');
    await clickAndLoad(recruiter, recruiter.getByRole('button', { name: 'Save the changes' }), /notice=saved/);
    await seeText(recruiter, 'is above the band');
    await clickAndLoad(recruiter, recruiter.getByRole('button', { name: 'Submit for approval' }), /notice=awaiting_approval/);
    await seeText(recruiter, 'Waiting for a decision');
    await axeCheck(recruiter, 'an offer awaiting approval');
    await snap(recruiter, '91-recruiter-offer-submitted');

    // The track's hiring manager approves their step; the exception still needs a recruiting lead.
    const manager = await open('hiring manager');
    await signIn(manager, 'manager@demo.cohort.test');
    await manager.goto('/staff/offers/approvals');
    await clickAndLoad(manager, manager.getByRole('link', { name: candidateName }), (url) => url.pathname === offerPath);
    await seeText(manager, 'The sign-on bonus 1,500 USD is above the band');
    await snap(manager, '92-manager-approves');
    await clickAndLoad(manager, manager.getByRole('button', { name: 'Approve this step' }), /notice=decided/);
    await seeText(manager, 'Approved by Harper Hiring-Manager');

    const lead = await open('recruiting lead');
    await signIn(lead, 'admin@demo.cohort.test');
    await lead.goto('/staff/offers/approvals');
    await clickAndLoad(lead, lead.getByRole('link', { name: candidateName }), (url) => url.pathname === offerPath);
    await clickAndLoad(lead, lead.getByRole('button', { name: 'Approve this step' }), /notice=decided/);
    await seeText(lead, 'Approved, not sent');

    // The recruiter sends it; the candidate is mailed a link.
    await recruiter.goto(offerPath);
    await clickAndLoad(recruiter, recruiter.getByRole('button', { name: /^Send the offer to / }), /notice=sent/);
    await seeText(recruiter, 'The letter sent');
    const offerId = offerPath.split('/').pop();
    const candidateEmail = await recipientOfMail(`/offers/${offerId}`, 'Your offer');

    // The candidate, on a phone, reads the letter and its PDF, and accepts by typing their name.
    const candidate = await open('candidate');
    await signIn(candidate, candidateEmail);
    await candidate.setViewportSize({ width: 390, height: 844 });
    await candidate.goto('/me');
    await clickAndLoad(candidate, candidate.getByRole('link', { name: 'Read and answer your offer' }), (url) => url.pathname === `/offers/${offerId}`);
    await seeText(candidate, 'Sign-on bonus:');
    await seeText(candidate, '1,500 USD');
    await fitsAPhone(candidate, 'the offer letter');
    await axeCheck(candidate, 'the candidate\'s offer');
    await snap(candidate, '93-candidate-offer-phone');
    const pdf = await candidate.request.get(`/offers/${offerId}/letter.pdf`);
    assert.equal(pdf.headers()['content-type'], 'application/pdf');
    assert.ok((await pdf.body()).subarray(0, 5).toString() === '%PDF-', 'the letter downloads as a PDF');
    await candidate.getByLabel(/Type your full name to sign/).fill(candidateName.toUpperCase());
    await clickAndLoad(candidate, candidate.getByRole('button', { name: 'Accept the offer' }), /notice=accepted/);
    await seeText(candidate, 'Welcome aboard!');
    await seeText(candidate, 'You accepted this offer');
    await snap(candidate, '94-candidate-accepted-phone');

    await recruiter.goto(offerPath);
    await seeText(recruiter, 'Accepted');
    await seeText(recruiter, `Signed “${candidateName.toUpperCase()}”`);
    await snap(recruiter, '95-recruiter-offer-accepted');

    // The candidate is now an intern: their onboarding checklist, on the phone.
    await clickAndLoad(candidate, candidate.getByRole('link', { name: 'Onboarding' }), /^\/onboarding$/);
    await seeText(candidate, `Welcome, ${candidateName}`);
    await seeText(candidate, '0 of 9 tasks done');
    const housing = candidate.locator('li.task', { hasText: 'Choose your housing' });
    await housing.getByLabel('Your answer').fill('Corporate housing from the Saturday before, please.');
    await clickAndLoad(candidate, housing.getByRole('button', { name: 'Save and mark done' }), /notice=done/);
    await seeText(candidate, '1 of 9 tasks done');
    await fitsAPhone(candidate, 'the onboarding checklist');
    await axeCheck(candidate, 'the onboarding checklist');
    await snap(candidate, '96-intern-onboarding-phone');

    // Recruiting follows the cohort's progress.
    await recruiter.goto('/staff/onboarding');
    await seeText(recruiter, candidateName);
    await axeCheck(recruiter, 'the cohort\'s onboarding');
    await snap(recruiter, '97-recruiter-onboarding');
    assertNoBrowserErrors(...pages.map((p) => p.page));
  } finally {
    reportBrowserErrors(...pages.map((p) => p.page));
    for (const { context } of pages) await context.close();
  }
});
