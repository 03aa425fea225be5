/**
 * The panel page: the modem's face (eight LEDs, state, DTE, the call), the receiver's live view, line quality as
 * time series, the call log and the configuration. Everything from the server is set as text (textContent), never
 * as markup: a caller ID or dialled string is whatever the far end or the DTE sent.
 */
import { drawConstellation, drawSeries, drawSpectrum, drawTones } from './plots.ts';
import type { CallEntry, ConfigView, LineQuality, Snapshot } from './types.ts';

const LEDS = ['HS', 'AA', 'CD', 'OH', 'RD', 'SD', 'TR', 'MR'] as const;
const LED_TITLES: Record<string, string> = {
  HS: 'high speed',
  AA: 'auto answer',
  CD: 'carrier detect',
  OH: 'off hook',
  RD: 'receive data',
  SD: 'send data',
  TR: 'terminal ready',
  MR: 'modem ready',
};
const HISTORY = 120; // 30 s at 4 snapshots a second
const SCATTER_POINTS = 600; // the last two seconds of V.22bis symbols (one in two kept by the server)
const SERIES: { key: keyof LineQuality; title: string; unit: string }[] = [
  { key: 'snrDb', title: 'SNR', unit: 'dB' },
  { key: 'rxLevelDbm0', title: 'receive level', unit: 'dBm0' },
  { key: 'carrierOffsetHz', title: 'frequency offset', unit: 'Hz' },
  { key: 'eqMseDb', title: 'equaliser error', unit: 'dB' },
  { key: 'retrains', title: 'retrains', unit: '' },
];

const $ = (id: string): HTMLElement => document.getElementById(id)!;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, cls?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (cls) e.className = cls;
  return e;
}

function setText(id: string, text: string): void {
  const e = $(id);
  if (e.textContent !== text) e.textContent = text;
}

const history = new Map<keyof LineQuality, (number | null)[]>(SERIES.map((s) => [s.key, []]));

function buildStatic(): void {
  const leds = $('leds');
  for (const name of LEDS) {
    const led = el('span', undefined, 'led');
    led.dataset.led = name;
    led.dataset.on = 'false';
    led.title = LED_TITLES[name];
    led.append(el('i'), el('b', name));
    leds.append(led);
  }
  const series = $('series');
  for (const s of SERIES) {
    const fig = el('figure');
    const cap = el('figcaption', `${s.title} ${s.unit ? `(${s.unit})` : ''}`);
    const value = el('span', '–', 'value');
    value.id = `q-${s.key}`;
    cap.append(value);
    const canvas = el('canvas');
    canvas.id = `series-${s.key}`;
    canvas.width = 250;
    canvas.height = 80;
    fig.append(cap, canvas);
    series.append(fig);
  }
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

function showPanel(p: Snapshot['panel']): void {
  for (const name of LEDS) {
    const led = document.querySelector<HTMLElement>(`.led[data-led="${name}"]`)!;
    const on = String(p.leds[name] === true);
    if (led.dataset.on !== on) led.dataset.on = on;
  }
  setText('state', p.state);
  setText('dte', `${p.dte.port} · ${p.dte.speed ? `${p.dte.speed} bit/s` : 'any speed (pseudo-terminal)'} · ${p.dte.format}`);
  setText('modulation', p.modulation);
  setText('recording', p.recording ? 'on (next calls)' : 'off');
  const c = p.call;
  setText('rate', c?.rate ? `${c.rate} bit/s` : '–');
  setText('call', c ? `${c.direction} ${c.number}` : '–');
  setText('chain', c?.chain ?? '–');
  setText('duration', c ? `${seconds(c.lineMs)} (connected ${seconds(c.connectedMs)})` : '–');
  setText('bytes-to', c ? String(c.bytesToLine) : '–');
  setText('bytes-from', c ? String(c.bytesFromLine) : '–');
}

let scatterPoints: number[] = [];
let scatterKind: string | null = null;
let scatterState: string | null = null;

function showLive(live: Snapshot['live']): void {
  const scatter = $('scatter') as HTMLCanvasElement;
  // A new call, receiver or receiver state (handshake, data, retrain) starts a new picture.
  if (!live || live.kind !== scatterKind || live.pumpState !== scatterState) scatterPoints = [];
  scatterKind = live ? live.kind : null;
  scatterState = live ? live.pumpState : null;
  if (live) scatterPoints = scatterPoints.concat(live.points).slice(-2 * SCATTER_POINTS);
  if (!live) {
    setText('scatter-title', 'Receiver (no call)');
    drawConstellation(scatter, []);
    drawSpectrum($('spectrum') as HTMLCanvasElement, null);
    return;
  }
  if (live.kind === 'tones') {
    setText('scatter-title', `Two-tone energies (mark against space) · ${live.pumpState}`);
    drawTones(scatter, scatterPoints);
  } else {
    setText('scatter-title', `Constellation after the equaliser · ${live.pumpState}`);
    drawConstellation(scatter, scatterPoints);
  }
  scatter.dataset.points = String(scatterPoints.length / 2);
  drawSpectrum($('spectrum') as HTMLCanvasElement, live.spectrum);
}

function showQuality(q: LineQuality | null): void {
  for (const s of SERIES) {
    const h = history.get(s.key)!;
    h.push(q ? q[s.key] : null);
    if (h.length > HISTORY) h.shift();
    const v = q ? q[s.key] : null;
    setText(`q-${s.key}`, v === null ? '–' : `${s.key === 'retrains' ? v : v.toFixed(1)} ${s.unit}`);
    drawSeries($(`series-${s.key}`) as HTMLCanvasElement, h);
  }
}

function showCalls(calls: CallEntry[]): void {
  const body = document.querySelector('#calls tbody')!;
  const rows = calls
    .slice()
    .reverse()
    .map((c) => {
      const tr = el('tr');
      const cells = [
        new Date(c.startedAt).toLocaleString(),
        c.direction,
        c.number,
        c.modulation,
        c.chain ?? '–',
        c.rate ? String(c.rate) : '–',
        seconds(c.durationMs),
        String(c.bytesToLine),
        String(c.bytesFromLine),
        c.result,
      ];
      for (const text of cells) tr.append(el('td', text));
      const rec = el('td');
      if (c.recording) {
        const a = el('a', 'WAV');
        a.href = `/recordings/${encodeURIComponent(c.recording)}`;
        a.download = c.recording;
        rec.append(a);
      }
      tr.append(rec);
      return tr;
    });
  body.replaceChildren(...rows);
}

function showConfig(c: ConfigView): void {
  setText('config-file', c.file ? `File: ${c.file} — ${c.messages.length ? 'problems now:' : 'valid'}` : 'Defaults (no --config file)');
  $('config-messages').replaceChildren(...c.messages.map((m) => el('li', m)));
  setText('config', JSON.stringify(c.effective, null, 2));
  if (c.allowChanges) {
    $('record-toggle').hidden = false;
    $('hangup').hidden = false;
  }
}

async function post(path: string, body: unknown): Promise<void> {
  await fetch(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
}

async function start(): Promise<void> {
  buildStatic();
  let recording = false;
  $('record-toggle').addEventListener('click', () => void post('/api/recording', { on: !recording }));
  $('hangup').addEventListener('click', () => void post('/api/hangup', {}));
  const events = new EventSource('/api/events');
  events.addEventListener('snapshot', (e) => {
    const s = JSON.parse((e as MessageEvent<string>).data) as Snapshot;
    recording = s.panel.recording;
    showPanel(s.panel);
    showLive(s.live);
    showQuality(s.live ? s.live.quality : null);
    document.body.dataset.updated = String(Date.now());
  });
  events.addEventListener('calls', (e) => showCalls(JSON.parse((e as MessageEvent<string>).data) as CallEntry[]));
  events.addEventListener('open', () => setText('link', 'live'));
  events.addEventListener('error', () => setText('link', 'reconnecting…'));
  const [calls, config] = await Promise.all([
    fetch('/api/calls').then((r) => r.json() as Promise<CallEntry[]>),
    fetch('/api/config').then((r) => r.json() as Promise<ConfigView>),
  ]);
  showCalls(calls);
  showConfig(config);
}

void start();
