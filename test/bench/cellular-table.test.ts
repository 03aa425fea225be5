import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cellularTables } from './cellular-table.ts';
import type { BenchRow } from './row.ts';

const REPO = join(import.meta.dirname, '../..');

test('docs/cellular.md shows the rows of docs/cellular-bench.json, every modulation × channel × implementation', (t) => {
  const rows = JSON.parse(readFileSync(join(REPO, 'docs/cellular-bench.json'), 'utf8')) as BenchRow[];
  const cellular = rows.filter((r) => r.kind === 'cellular');
  const channels = new Set(cellular.map((r) => r.channel));
  t.true(channels.size >= 16, `${channels.size} channels`);
  t.is(cellular.length, channels.size * 7 * 2, 'a row per modulation, channel and implementation');
  for (const r of cellular) for (const k of ['modulation', 'channel', 'implementation', 'calls', 'connects', 'bits', 'errors', 'ber']) t.true(k in r, `${k} in a row`);
  for (const r of cellular.filter((x) => x.connects !== null && Number(x.connects) > 0)) t.true(Number(r.bits) >= 100_000, `${r.modulation} ${r.channel} ${r.implementation}: ${r.bits} bits`);
  const page = readFileSync(join(REPO, 'docs/cellular.md'), 'utf8');
  t.true(page.includes(cellularTables(rows)), 'the tables on the page are those of the JSON file');
});
