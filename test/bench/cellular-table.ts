/**
 * The cellular benchmark's rows (kind 'cellular', from `npm run bench -- --only cellular --json FILE`) as the two
 * tables of docs/cellular.md: channels down, modulations across, "connects/calls BER" per cell, one table for
 * Dialtone and one for spandsp. `node --import tsx test/bench/cellular-table.ts FILE` prints them;
 * test/bench/cellular-table.test.ts checks that the page shows what docs/cellular-bench.json holds.
 */
import { readFileSync } from 'node:fs';
import type { BenchRow } from './row.ts';

const MODULATIONS = ['v21', 'bell103', 'v23', 'bell202', 'v22', 'bell212a', 'v22bis'];
const HEADINGS = ['V.21', 'Bell 103', 'V.23', 'Bell 202', 'V.22', 'Bell 212A', 'V.22bis'];

/**
 * One cell: "3/3 0", "3/3 1.2e-3", "0/3 –" (no connect), "n/a" (spandsp has no such modem), "not measured"; a
 * V.22bis call that connected at 1200 only adds "@1200".
 */
export function cellText(r: BenchRow | undefined): string {
  if (!r) return 'not measured';
  if (r.connects === null) return String(r.note).startsWith('not measured') ? 'not measured' : 'n/a';
  const ber = r.ber === null ? '–' : r.ber === 0 ? '0' : Number(r.ber).toExponential(1);
  const fellBack = r.modulation === 'v22bis' && r.rate_min !== null && r.rate_min !== undefined && Number(r.rate_min) < 2400;
  return `${r.connects}/${r.calls} ${ber}${fellBack ? ` @${r.rate_min}` : ''}`;
}

export function cellularTables(rows: readonly BenchRow[]): string {
  const cellular = rows.filter((r) => r.kind === 'cellular');
  const channels = [...new Set(cellular.map((r) => String(r.channel)))];
  const out: string[] = [];
  for (const impl of ['dialtone', 'spandsp']) {
    out.push(`**${impl === 'dialtone' ? 'Dialtone' : 'spandsp 0.0.6'}** (connects/calls, then BER after connect)`, '');
    out.push(`| channel | ${HEADINGS.join(' | ')} |`, `| --- |${' --- |'.repeat(HEADINGS.length)}`);
    for (const ch of channels) {
      const cells = MODULATIONS.map((m) => cellText(cellular.find((r) => r.channel === ch && r.modulation === m && r.implementation === impl)));
      out.push(`| ${ch} | ${cells.join(' | ')} |`);
    }
    out.push('');
  }
  return out.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write(cellularTables(JSON.parse(readFileSync(process.argv[2], 'utf8')) as BenchRow[]));
}
