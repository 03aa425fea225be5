/**
 * Issue 11 in a real browser: during a simulated V.22bis call (5552400, AT+MS=V22B) the page shows a constellation
 * clustered on the 16 points, an SNR within 2 dB of the channel model's 30 dB, and the LEDs of a connected
 * 2400 bit/s call; a screenshot is saved (run/panel.png; docs/panel.png in the README and docs/panel.md is one). Then a caller ID
 * full of markup appears in the call log as text.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import type { Page } from 'puppeteer-core';
import { REPO_ROOT, startDaemon } from '../helpers/daemon.ts';
import { launchBrowser, panelUrl } from './browser.ts';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const CHANNEL_SNR_DB = 30; // config/default.yaml exchange.line.snrDb

/**
 * The constellation canvas read back: lit pixels in point units, by the page's own fixed scale (plots.ts: ±4.5
 * units across, POINT_COLOUR #4cf). Page-side code is passed as text: this file is type-checked without the DOM.
 */
const READ_CONSTELLATION = `(() => {
  const c = document.getElementById('scatter');
  const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  const s = c.width / 9;
  const out = [];
  for (let i = 0; i < data.length; i += 4) {
    if (data[i] === 0x44 && data[i + 1] === 0xcc && data[i + 2] === 0xff) {
      const p = i / 4;
      out.push({ x: ((p % c.width) + 0.5 - c.width / 2) / s, y: (c.height / 2 - Math.floor(p / c.width) - 0.5) / s });
    }
  }
  return out;
})()`;

async function constellationPixels(page: Page): Promise<{ x: number; y: number }[]> {
  return page.evaluate(READ_CONSTELLATION) as Promise<{ x: number; y: number }[]>;
}

const text = (page: Page, js: string): Promise<unknown> => page.evaluate(js);

const nearestLevel = (v: number): number => Math.max(-3, Math.min(3, 2 * Math.floor(v / 2) + 1));

test('panel: V.22bis call in chromium — 16-point constellation, SNR, LEDs, screenshot; markup in a caller ID stays text', async (t) => {
  // Numbers shown (mqtt.publishNumbers), so that the caller ID's markup reaches the page at all.
  const d = await startDaemon({ clock: 'realtime', config: { panel: { port: 0 }, mqtt: { enabled: false, publishNumbers: true } } });
  t.teardown(d.stop);
  const url = await panelUrl(d.stdout);
  const browser = await launchBrowser();
  t.teardown(() => browser.close());
  const page = await browser.newPage();
  await page.setViewport({ width: 1100, height: 900 });
  const dialogs: string[] = [];
  page.on('dialog', (dlg) => {
    dialogs.push(dlg.message());
    void dlg.dismiss();
  });
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForFunction(`document.getElementById('link').textContent === 'live'`, { timeout: 10_000 });

  await d.term.write('AT+MS=V22B\r');
  await d.term.waitFor('OK\r\n', 5000);
  await d.term.write('ATDT5552400\r');
  await d.term.waitFor('CONNECT 2400', 30_000);
  await d.term.write('The quick brown fox jumps over the lazy dog. '.repeat(4));
  // Two seconds of symbols on the canvas, and the SNR past its first estimates.
  await page.waitForFunction(
    `Number(document.getElementById('scatter').dataset.points) >= 500 && /connected$/.test(document.getElementById('scatter-title').textContent)`,
    { timeout: 30_000 },
  );
  await sleep(1500);

  const pixels = await constellationPixels(page);
  t.true(pixels.length > 300, `points drawn: ${pixels.length} pixels`);
  const hit = new Set<string>();
  let near = 0;
  for (const p of pixels) {
    const lx = nearestLevel(p.x);
    const ly = nearestLevel(p.y);
    if (Math.hypot(p.x - lx, p.y - ly) < 0.5) {
      near++;
      hit.add(`${lx},${ly}`);
    }
  }
  t.log(`constellation: ${pixels.length} lit pixels, ${((100 * near) / pixels.length).toFixed(1)} % within 0.5 of a point, ${hit.size} of 16 points`);
  t.is(hit.size, 16, 'all 16 V.22bis points are shown');
  t.true(near / pixels.length > 0.95, 'the points cluster on the 16 QAM points');

  const snrText = await page.$eval('#q-snrDb', (e) => e.textContent ?? '');
  const snr = Number.parseFloat(snrText);
  t.log(`SNR shown: ${snrText} (channel model ${CHANNEL_SNR_DB} dB)`);
  t.true(Math.abs(snr - CHANNEL_SNR_DB) <= 2, `SNR ${snrText} within 2 dB of ${CHANNEL_SNR_DB}`);

  const leds = (await text(page, `Object.fromEntries([...document.querySelectorAll('.led')].map((e) => [e.dataset.led, e.dataset.on === 'true']))`)) as Record<
    string,
    boolean
  >;
  const status = (await (await fetch(`${url}api/status`)).json()) as { panel: { state: string; leds: Record<string, boolean> } };
  t.is(status.panel.state, 'online');
  t.like(leds, { HS: true, CD: true, OH: true, MR: true, TR: true, AA: false }, 'a 2400 bit/s call with carrier, off hook, DTR on, no auto-answer');
  for (const name of ['HS', 'AA', 'CD', 'OH', 'TR', 'MR']) t.is(leds[name], status.panel.leds[name] === true, `${name} as the modem has it`);
  t.is(await page.$eval('#rate', (e) => e.textContent), '2400 bit/s');
  t.regex((await page.$eval('#call', (e) => e.textContent)) ?? '', /outgoing 5552400/);

  mkdirSync(join(REPO_ROOT, 'run'), { recursive: true });
  await page.screenshot({ path: join(REPO_ROOT, 'run/panel.png'), fullPage: false });

  // Hang up; then a call whose caller ID is markup.
  await sleep(1100);
  await d.term.write('+++');
  await d.term.waitFor('OK\r\n', 5000);
  await d.term.write('ATH\r');
  await d.term.waitFor('OK\r\n', 5000);
  const evil = `<img src=x onerror="alert('img')"><script>alert("s")</script>"'&amp;`;
  const { spawn } = await import('node:child_process');
  const ringer = spawn(
    process.execPath,
    ['--import', 'tsx', join(REPO_ROOT, 'firmware-app/main.ts'), 'ring', '--socket', d.socket, '--from', evil, '--', 'cat'],
    { stdio: 'ignore' },
  );
  t.teardown(() => ringer.kill());
  await d.term.waitFor('RING', 15_000);
  await d.term.write('ATA\r');
  await sleep(500);
  await d.term.write('x'); // abandons the handshake: NO CARRIER, and the call is logged
  await d.term.waitFor('NO CARRIER', 10_000);
  await page.waitForFunction(`document.querySelectorAll('#calls tbody tr').length >= 2`, { timeout: 10_000 });
  const cells = await page.$$eval('#calls tbody tr:first-child td', (tds) => tds.map((td) => td.textContent));
  t.is(cells[2], evil, 'the caller ID is shown exactly, as text');
  t.is(await page.$$eval('#calls img, #calls script', (e) => e.length), 0, 'no element was made from it');
  t.deepEqual(dialogs, [], 'no script ran');
  const second = await page.$$eval('#calls tbody tr:nth-child(2) td', (tds) => tds.map((td) => td.textContent));
  t.is(second[2], '5552400');
  t.is(second[4], '–', 'no channel chain on the default line');
  t.is(second[5], '2400');
});
