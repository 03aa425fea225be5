/**
 * What the panel's viewers receive, a few times a second: the front panel (LEDs, state, DTE format, the call so
 * far) and, during a call, the receiver's view (constellation or the two tone energies), the received spectrum and
 * the line quality. Taps are attached only while at least one viewer is connected: the pump's ReceiverTap (a fixed
 * ring, one point in TAP_EVERY kept) and a frame tap copying received audio into the spectrum meter's fixed ring.
 * With no viewer, nothing is collected.
 */
import type { DataPump } from '../../dsp/pump.ts';
import { ReceiverTap } from '../../dsp/tap.ts';
import type { LedState } from '../../hal/leds/led-panel.ts';
import type { Modem } from '../modem.ts';
import { lineQuality } from './line-quality.ts';
import type { LineQuality } from './line-quality.ts';
import { SpectrumMeter } from './spectrum.ts';

export const SNAPSHOT_MS = 250;
const TAP_SIZE = 512;
const TAP_EVERY = 2; // V.22bis: 600 symbols/s → 300 points/s
const MAX_POINTS = 256; // per snapshot
const SMOOTH_SNAPSHOTS = 8; // SNR and equaliser error shown as the mean over the last 2 s (each read covers 64 symbols)

export interface FrontPanel {
  state: Modem['state'];
  leds: Partial<LedState>;
  modulation: string;
  dte: { port: string; speed: number | null; format: string };
  recording: boolean;
  call: Modem['currentCall'];
  lineS: number;
}

export interface LiveView {
  kind: 'constellation' | 'tones' | null;
  /** Interleaved pairs: constellation in point units (±1, ±3), tones as mark and space energy in dB. */
  points: number[];
  spectrum: number[] | null;
  quality: LineQuality;
  pumpState: string | null;
}

export interface Snapshot {
  panel: FrontPanel;
  live: LiveView | null;
}

export interface LiveFeedOptions {
  modem: Modem;
  dte: { port: string; speed: number | null };
  lineMs: () => number;
}

export class LiveFeed {
  private readonly viewers = new Set<(s: Snapshot) => void>();
  private readonly tap = new ReceiverTap(TAP_SIZE, TAP_EVERY);
  private readonly drained = new Int32Array(2 * MAX_POINTS);
  private readonly meter = new SpectrumMeter();
  private attached: DataPump | null = null;
  private timer: NodeJS.Timeout | null = null;
  private leds: Partial<LedState> = {};
  private readonly mse: number[] = []; // linear, the last SMOOTH_SNAPSHOTS reads
  private pumpState: string | null = null;
  private readonly onFrame = (rx: Int16Array): void => this.meter.push(rx);

  constructor(private readonly o: LiveFeedOptions) {
    o.modem.events.on('leds', (l) => (this.leds = l));
  }

  get viewerCount(): number {
    return this.viewers.size;
  }

  /** A viewer: called with a snapshot every SNAPSHOT_MS. Returns the unsubscribe function. */
  subscribe(viewer: (s: Snapshot) => void): () => void {
    this.viewers.add(viewer);
    if (this.viewers.size === 1) this.start();
    viewer(this.snapshot());
    return () => {
      this.viewers.delete(viewer);
      if (this.viewers.size === 0) this.stop();
    };
  }

  private start(): void {
    this.o.modem.frameTaps.push(this.onFrame);
    this.timer = setInterval(() => this.tick(), SNAPSHOT_MS);
    this.timer.unref();
  }

  private stop(): void {
    const taps = this.o.modem.frameTaps;
    const i = taps.indexOf(this.onFrame);
    if (i >= 0) taps.splice(i, 1);
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.attach(null);
    this.meter.reset();
  }

  private tick(): void {
    const s = this.snapshot();
    for (const v of this.viewers) v(s);
  }

  /** Follow the call's pump: the tap goes on the pump in use and comes off when it is gone. */
  private attach(pump: DataPump | null): void {
    if (pump === this.attached) return;
    this.attached?.setTap?.(null);
    this.attached = pump;
    this.tap.drain(this.drained); // forget the previous call's points
    pump?.setTap?.(this.tap);
  }

  frontPanel(): FrontPanel {
    const m = this.o.modem;
    return {
      state: m.state,
      leds: { ...this.leds },
      modulation: m.modulation,
      dte: { ...this.o.dte, format: m.at.format },
      recording: m.recording,
      call: m.currentCall,
      lineS: this.o.lineMs() / 1000,
    };
  }

  snapshot(): Snapshot {
    const pump = this.o.modem.dataPump;
    if (this.viewers.size > 0) this.attach(pump);
    if (!pump) {
      this.meter.reset();
      return { panel: this.frontPanel(), live: null };
    }
    return { panel: this.frontPanel(), live: this.liveView(pump) };
  }

  private liveView(pump: DataPump): LiveView {
    let n = this.tap.drain(this.drained);
    // Points from a handshake or retrain do not mix with the data's: a new receiver state starts a new picture.
    if (pump.state !== this.pumpState) n = 0;
    this.pumpState = pump.state;
    const d = this.drained;
    const points: number[] = [];
    const kind = pump.setTap ? this.tap.kind : null;
    for (let k = 0; k < 2 * n; k++) {
      const v = kind === 'tones' ? 10 * Math.log10(d[k] + 1) : d[k] / this.tap.scale;
      points.push(Math.round(v * 100) / 100);
    }
    return { kind, points, spectrum: this.meter.spectrum(), quality: this.smoothed(lineQuality(pump)), pumpState: pump.state };
  }

  /** One 64-symbol MSE reading wanders by a dB or so: average the power over the last few snapshots. */
  private smoothed(q: LineQuality): LineQuality {
    if (q.eqMseDb === null || q.snrDb === null) {
      this.mse.length = 0;
      return q;
    }
    this.mse.push(10 ** (q.eqMseDb / 10));
    if (this.mse.length > SMOOTH_SNAPSHOTS) this.mse.shift();
    const meanDb = 10 * Math.log10(this.mse.reduce((a, b) => a + b, 0) / this.mse.length);
    const round = (v: number): number => Math.round(v * 100) / 100;
    return { ...q, eqMseDb: round(meanDb), snrDb: round(q.snrDb + q.eqMseDb - meanDb) };
  }
}
