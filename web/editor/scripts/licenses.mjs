// Writes the license notice for the editor bundles (editor.js and pad.js): every npm package that
// esbuild actually put into either (read from esbuild's metafile), with its version, declared license and LICENSE text.
//
//   node scripts/licenses.mjs <esbuild metafile> <output file>
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const [metafile, outFile] = process.argv.slice(2);
if (!metafile || !outFile) {
  console.error('usage: node scripts/licenses.mjs <metafile> <output>');
  process.exit(2);
}

const meta = JSON.parse(readFileSync(metafile, 'utf8'));
const outputs = Object.values(meta.outputs);
if (outputs.length === 0) throw new Error('expected an output in the metafile, got none');

// Inputs that contributed bytes, e.g. "node_modules/@codemirror/view/dist/index.js".
const packages = new Set();
for (const output of outputs) {
  for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
    if (bytesInOutput === 0) continue;
    const m = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (m) packages.add(m[1]);
  }
}

const allowed = new Set(['MIT', 'ISC', 'BSD-2-Clause', 'BSD-3-Clause', 'Apache-2.0', '0BSD']);
const sections = [];
for (const name of [...packages].sort()) {
  const dir = path.join(root, 'node_modules', name);
  const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
  const license = typeof pkg.license === 'string' ? pkg.license : JSON.stringify(pkg.license);
  if (!allowed.has(license)) throw new Error(`${name}@${pkg.version}: license ${license} is not on the allowed list`);
  const file = readdirSync(dir).find((f) => /^(licen[cs]e|copying)(\.(md|txt))?$/i.test(f));
  if (!file) throw new Error(`${name}@${pkg.version}: no LICENSE file`);
  const text = readFileSync(path.join(dir, file), 'utf8').replace(/\r\n/g, '\n').trim();
  sections.push(`${'-'.repeat(78)}\n${name}@${pkg.version} (${license})\n${pkg.homepage || ''}\n\n${text}\n`);
}

const header =
  `Third-party software in editor.js and pad.js (the Cohort code editor bundles)\n\n` +
  `editor.js and pad.js are built by web/editor/build.sh from the npm packages pinned in\n` +
  `web/editor/package-lock.json. It contains code from these ${sections.length} packages,\n` +
  `each under the license reproduced below.\n\n` +
  sections.map((s) => '  ' + s.split('\n')[1]).join('\n') +
  '\n\n';
writeFileSync(outFile, header + sections.join('\n'));
console.log(`wrote ${outFile}: ${sections.length} packages`);
