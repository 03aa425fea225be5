/**
 * `npm run bench [-- --json FILE] [--only NAME] [--quick]`: runs every case in test/bench/cases/ (in name order),
 * prints one table per `kind`, and writes all rows as one JSON array when --json is given.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchCase, BenchRow } from './row.ts';

function parseArgs(argv: string[]): { json?: string; only?: string; quick: boolean } {
  const out: { json?: string; only?: string; quick: boolean } = { quick: false };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--json') out.json = argv[++i];
    else if (argv[i] === '--only') out.only = argv[++i];
    else if (argv[i] === '--quick') out.quick = true;
  }
  return out;
}

function printTable(kind: string, rows: BenchRow[]): void {
  const cols = [...new Set(rows.flatMap((r) => Object.keys(r)))].filter((c) => c !== 'kind');
  const cell = (v: unknown): string =>
    typeof v === 'number' ? (Number.isInteger(v) ? String(v) : Math.abs(v) < 1e-3 && v !== 0 ? v.toExponential(2) : v.toFixed(3)) : String(v ?? '');
  const widths = cols.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (vals: string[]): string => vals.map((v, i) => v.padEnd(widths[i])).join('  ');
  console.log(`\n## ${kind}`);
  console.log(line(cols));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const r of rows) console.log(line(cols.map((c) => cell(r[c]))));
}

const args = parseArgs(process.argv.slice(2));
const here = dirname(fileURLToPath(import.meta.url));
const caseDir = join(here, 'cases');
const files = readdirSync(caseDir)
  .filter((f) => f.endsWith('.ts'))
  .filter((f) => !args.only || f.includes(args.only))
  .sort();
const rows: BenchRow[] = [];
for (const file of files) {
  const mod = (await import(pathToFileURL(join(caseDir, file)).href)) as { default: BenchCase };
  process.stderr.write(`bench: ${file}\n`);
  rows.push(...(await mod.default({ quick: args.quick })));
}
const kinds = [...new Set(rows.map((r) => r.kind))];
for (const kind of kinds) printTable(kind, rows.filter((r) => r.kind === kind));
if (args.json) {
  writeFileSync(args.json, JSON.stringify(rows, null, 2) + '\n');
  console.log(`\nwrote ${rows.length} rows to ${args.json}`);
}
