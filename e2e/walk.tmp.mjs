import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS } from './support.mjs';
const base = process.env.BASE;
const who = process.argv[2];
const paths = process.argv.slice(3);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
for (const [label, viewport] of [['desk', { width: 1280, height: 900 }], ['phone', { width: 390, height: 844 }]]) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  await page.goto(`${base}/login`);
  await page.fill('input[name=email]', who);
  await page.fill('input[name=password]', 'cohort-demo-2027');
  await page.click('button[type=submit]');
  await page.waitForLoadState('load');
  console.log('landed', page.url());
  for (const p of paths) {
    await page.goto(`${base}${p}`);
    const name = `${who.split('@')[0]}-${p.replace(/[^a-z0-9]+/gi, '_')}-${label}`;
    await page.screenshot({ path: `/tmp/shots/${name}.png`, fullPage: true });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    console.log(name, await page.title(), 'overflow', overflow);
  }
  await context.close();
}
await browser.close();
