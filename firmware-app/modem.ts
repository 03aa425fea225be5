import { EventEmitter } from 'node:events';
import { FskDataPump } from '../dsp/fsk/fsk-pump.ts';
import { DEFAULT_TIMINGS } from '../dsp/fsk/fsk-pump.ts';
import { FSK_MODES } from '../dsp/fsk/specs.ts';
import type { FskModulation } from '../dsp/fsk/specs.ts';
import { FRAME_SAMPLES } from '../dsp/q15.ts';
import { ByteRing } from '../dsp/uart/byte-ring.ts';
import type { LedPanel, LedState } from '../hal/leds/led-panel.ts';
import { allOff } from '../hal/leds/led-panel.ts';
import type { CallLeg, IncomingCall, PhoneLine } from '../hal/line/phone-line.ts';
import type { DtePort } from '../hal/serial/dte-port.ts';
import { GuardTimeEscape } from './at/escape.ts';
import { AtInterpreter } from './at/interpreter.ts';
import type { AtHost } from './at/interpreter.ts';
import type { ResultCode } from './at/result-codes.ts';
import { FrameClock } from './frame-clock.ts';
import { productInfo } from './product.ts';

/** The modem's states, as they appear in logs and telemetry. */
export type ModemState = 'command' | 'dialing' | 'ringing' | 'handshake' | 'online' | 'online-command';

/** One finished call, as telemetry and the call log record it. */
export interface CallRecord {
  direction: 'outgoing' | 'incoming';
  number: string;
  modulation: FskModulation;
  rate: number | null;
  startedAt: number; // wall clock, ms
  durationMs: number; // line time from off hook to on hook
  connectedMs: number; // line time in data mode
  bytesToLine: number;
  bytesFromLine: number;
  result: string; // the final result code or reason: 'NO CARRIER', 'BUSY', 'hangup', ...
}

/** What the modem tells observers (telemetry, the panel): typed events. */
export interface ModemEvents {
  state: [state: ModemState, previous: ModemState];
  connect: [rate: number];
  leds: [leds: Readonly<LedState>];
  'call-end': [record: CallRecord];
}

export interface ModemOptions {
  port: DtePort;
  line: PhoneLine;
  leds?: LedPanel;
  clock: FrameClock;
  log: (line: string) => void;
  modulation?: FskModulation;
  txLevelDbm0?: number;
}

const DTE_BUFFER = 16384;
/** V.250 +MS carrier names of the modulations offered (B202: Bell 202, not in V.250's list). */
const CARRIERS: Record<string, FskModulation> = { V21: 'v21', B103: 'bell103', V23C: 'v23', B202: 'bell202' };
const RING_CYCLE_MS = 6000;

/**
 * The modem: the DTE port and its AT interpreter on one side, a call and its data pump on the other, and the call
 * state machine between. Runs the audio frame loop while a call (or a ringing line) exists.
 */
export class Modem implements AtHost {
  state: ModemState = 'command';
  readonly events = new EventEmitter<ModemEvents>();
  readonly at: AtInterpreter;
  private readonly escape: GuardTimeEscape;
  private leg: CallLeg | null = null;
  private pump: FskDataPump | null = null;
  private incoming: IncomingCall | null = null;
  private readonly fromDte = new ByteRing(DTE_BUFFER);
  private readonly tx = new Int16Array(FRAME_SAMPLES);
  private readonly rx = new Int16Array(FRAME_SAMPLES);
  private escapeTimer: NodeJS.Timeout | null = null;
  private portPaused = false;
  private leds: LedState = allOff();
  private record: (Omit<CallRecord, 'durationMs' | 'connectedMs' | 'result'> & { startLineMs: number; connectedAtLineMs: number | null; statsAt: { to: number; from: number } }) | null = null;
  private activity = { rd: 0, sd: 0 };
  private lastNumber = '';
  stats = { bytesToLine: 0, bytesFromLine: 0, calls: 0 };
  modulation: FskModulation;

  constructor(private readonly o: ModemOptions) {
    this.modulation = o.modulation ?? 'v21';
    this.at = new AtInterpreter(this, (t) => this.toDte(t));
    this.escape = new GuardTimeEscape(
      () => this.at.s.get(2),
      () => this.at.s.get(12) * 20,
    );
    o.port.onData((d) => this.onDte(d));
    o.line.onIncoming((call) => this.onIncoming(call));
    this.showLeds();
  }

  private toDte(text: string | Uint8Array): void {
    this.o.port.write(typeof text === 'string' ? Buffer.from(text, 'latin1') : text);
  }

  private setState(s: ModemState): void {
    const prev = this.state;
    this.state = s;
    if (s !== prev) {
      this.o.log(`modem: ${prev} → ${s}`);
      this.events.emit('state', s, prev);
    }
    this.showLeds();
  }

  // ---- DTE side ----

  private onDte(data: Uint8Array): void {
    switch (this.state) {
      case 'online':
        this.escape.feed(data, performance.now());
        this.armEscape();
        if (this.fromDte.write(data) < data.length) this.o.log('modem: DTE buffer overrun (flow control failed)');
        if (this.fromDte.free < 4096 && !this.portPaused) {
          this.portPaused = true;
          this.o.port.pause();
        }
        return;
      case 'dialing':
      case 'handshake':
        // Any character from the DTE abandons a call in progress, as on a Hayes modem.
        this.endCall('NO CARRIER');
        return;
      default:
        this.at.feed(data);
    }
  }

  private armEscape(): void {
    const until = this.escape.pendingUntil;
    if (this.escapeTimer) clearTimeout(this.escapeTimer);
    this.escapeTimer = null;
    if (until === null) return;
    this.escapeTimer = setTimeout(() => {
      this.escapeTimer = null;
      if (this.state === 'online' && this.escape.poll(performance.now())) {
        this.setState('online-command');
        this.at.result('OK');
      }
    }, Math.max(0, until - performance.now()) + 1);
  }

  // ---- AtHost ----

  dial(dialString: string): void {
    let s = dialString.trim();
    if (/^L/i.test(s)) s = this.lastNumber; // ATDL: redial
    const number = s.replace(/^[TP]/i, '').replace(/[^0-9*#A-Da-d]/g, '');
    if (this.leg) {
      this.at.result('ERROR');
      return;
    }
    this.lastNumber = s;
    this.o.log(`modem: dialling ${number}`);
    this.beginRecord('outgoing', number);
    this.leg = this.o.line.dial(number);
    this.stats.calls++;
    this.setState('dialing');
    void this.runCall(this.leg, 'caller');
  }

  answer(): void {
    const call = this.incoming;
    if (!call || call.abandoned) {
      this.at.result('NO CARRIER');
      return;
    }
    this.incoming = null;
    this.beginRecord('incoming', call.from);
    this.leg = call.answer();
    this.pump = this.newPump('answerer');
    this.setState('handshake');
  }

  hangup(): void {
    if (this.leg) this.finishRecord('hangup');
    this.leg?.hangup();
    this.leg = null;
    this.pump = null;
    this.fromDte.clear();
    if (this.state !== 'command') this.setState('command');
  }

  online(): boolean {
    if (this.state !== 'online-command' || !this.pump) return false;
    this.setState('online');
    this.at.result('CONNECT', this.pump.connectRate);
    return true;
  }

  info(n: number): string[] | null {
    return productInfo(n, this);
  }

  changed(): void {
    this.showLeds();
  }

  selectCarrier(name: string): boolean {
    const m = CARRIERS[name];
    if (!m) return false;
    this.modulation = m;
    return true;
  }

  get carrierName(): string {
    return Object.keys(CARRIERS).find((k) => CARRIERS[k] === this.modulation) ?? 'V21';
  }

  private newPump(role: 'caller' | 'answerer'): FskDataPump {
    const mode = FSK_MODES[this.modulation];
    return new FskDataPump(mode, role, { ...DEFAULT_TIMINGS, txLevelDbm0: this.o.txLevelDbm0 ?? -10, carrierDetectMs: this.at.s.get(9) * 100, carrierLossMs: this.at.s.get(10) * 100 });
  }

  // ---- the line ----

  private onIncoming(call: IncomingCall): void {
    if (this.leg || this.incoming) {
      call.reject();
      return;
    }
    this.incoming = call;
    this.at.s.setInternal(1, 0);
    void this.runRinging(call);
  }

  /** Ring the DTE (RING, RI) every ring cycle of line time; auto-answer after S0 rings. */
  private async runRinging(call: IncomingCall): Promise<void> {
    let ms = 0;
    while (this.incoming === call && !call.abandoned) {
      if (ms % RING_CYCLE_MS === 0) {
        const rings = this.at.s.get(1) + 1;
        this.at.s.setInternal(1, rings);
        this.leds.TR = true;
        this.at.result('RING');
        const s0 = this.at.s.get(0);
        if (s0 > 0 && rings >= s0 && this.state === 'command') {
          this.answer();
          break;
        }
      }
      await this.o.clock.tick();
      ms += 20;
    }
    if (this.incoming === call) this.incoming = null;
    if (this.leg && this.state === 'handshake') void this.runCall(this.leg, 'answerer');
  }

  /** The frame loop of one call, from dialling (or answering) to hang-up. */
  private async runCall(leg: CallLeg, role: 'caller' | 'answerer'): Promise<void> {
    let ms = 0;
    let lastProgress = '';
    this.tx.fill(0);
    while (this.leg === leg) {
      await this.o.clock.tick();
      if (this.leg !== leg) break;
      const alive = await leg.frame(this.tx, this.rx);
      if (this.leg !== leg) break;
      ms += 20;
      if (leg.progress !== lastProgress) {
        lastProgress = leg.progress;
        this.o.log(`line: ${leg.progress}`);
      }
      if (!alive) {
        this.endCall('NO CARRIER');
        break;
      }
      if (this.state === 'dialing') {
        this.tx.fill(0);
        const outcome = this.dialProgress(leg, ms);
        if (outcome) {
          this.endCall(outcome);
          break;
        }
        if (leg.progress === 'answered') {
          this.pump = this.newPump(role);
          this.setState('handshake');
          ms = 0;
        }
        continue;
      }
      const pump = this.pump!;
      pump.process(this.rx, this.tx);
      if (this.state === 'handshake') {
        if (pump.state === 'connected') {
          this.setState('online');
          this.at.result('CONNECT', pump.connectRate);
          if (this.record) {
            this.record.rate = pump.connectRate;
            this.record.connectedAtLineMs = this.o.clock.lineMs;
          }
          this.events.emit('connect', pump.connectRate);
        } else if (ms >= this.at.s.get(7) * 1000) {
          this.endCall('NO CARRIER');
          break;
        }
        continue;
      }
      if (pump.state === 'carrier-lost') {
        this.endCall('NO CARRIER');
        break;
      }
      this.moveData(pump);
    }
  }

  private dialProgress(leg: CallLeg, ms: number): ResultCode | null {
    switch (leg.progress) {
      case 'busy':
        return ms > 1500 ? 'BUSY' : null;
      case 'invalid-number':
        return ms > 1500 ? 'NO CARRIER' : null;
      case 'ringing':
        return ms >= this.at.s.get(7) * 1000 ? 'NO ANSWER' : null;
      default:
        return ms >= this.at.s.get(7) * 1000 ? 'NO CARRIER' : null;
    }
  }

  /** Per frame in data mode: DTE bytes to the pump, received bytes to the DTE (held while in command mode). */
  private moveData(pump: FskDataPump): void {
    const q = pump.tx.queue;
    let moved = 0;
    while (this.fromDte.length > 0 && q.free > 0) {
      q.push(this.fromDte.shift());
      moved++;
    }
    this.stats.bytesToLine += moved;
    if (moved) this.activity.sd = 3;
    if (this.portPaused && this.fromDte.free >= DTE_BUFFER / 2) {
      this.portPaused = false;
      this.o.port.resume();
    }
    if (this.state === 'online' && pump.rx.length > 0) {
      const got = pump.rx.take();
      this.stats.bytesFromLine += got.length;
      this.activity.rd = 3;
      this.toDte(got);
    }
    this.tickLeds();
  }

  private endCall(code: ResultCode): void {
    this.finishRecord(code);
    this.leg?.hangup();
    this.leg = null;
    this.pump = null;
    this.fromDte.clear();
    if (this.portPaused) {
      this.portPaused = false;
      this.o.port.resume();
    }
    this.setState('command');
    this.at.result(code);
  }

  // ---- call records ----

  private beginRecord(direction: CallRecord['direction'], number: string): void {
    this.record = {
      direction,
      number,
      modulation: this.modulation,
      rate: null,
      startedAt: Date.now(),
      startLineMs: this.o.clock.lineMs,
      connectedAtLineMs: null,
      bytesToLine: 0,
      bytesFromLine: 0,
      statsAt: { to: this.stats.bytesToLine, from: this.stats.bytesFromLine },
    };
  }

  private finishRecord(result: string): void {
    const r = this.record;
    if (!r) return;
    this.record = null;
    const now = this.o.clock.lineMs;
    const { startLineMs, connectedAtLineMs, statsAt, ...rest } = r;
    this.events.emit('call-end', {
      ...rest,
      bytesToLine: this.stats.bytesToLine - statsAt.to,
      bytesFromLine: this.stats.bytesFromLine - statsAt.from,
      durationMs: now - startLineMs,
      connectedMs: connectedAtLineMs === null ? 0 : now - connectedAtLineMs,
      result,
    });
  }

  // ---- front panel ----

  private tickLeds(): void {
    if (this.activity.rd > 0) this.activity.rd--;
    if (this.activity.sd > 0) this.activity.sd--;
    this.showLeds();
  }

  private showLeds(): void {
    const inCall = this.leg !== null;
    const l = this.leds;
    l.MR = true;
    l.TR = true;
    l.AA = this.at ? this.at.s.get(0) > 0 : false;
    l.OH = inCall;
    l.CD = (this.state === 'online' || this.state === 'online-command') && (this.pump?.carrier ?? false);
    l.HS = l.CD && (this.pump?.connectRate ?? 0) >= 1200;
    l.RD = this.activity.rd > 0;
    l.SD = this.activity.sd > 0;
    this.o.leds?.show(l);
    this.events.emit('leds', l);
  }

  /** AT+MS? reports this (AtHost.carrier). */
  get carrier(): string {
    return this.carrierName;
  }

  /** Received carrier present (DCD). */
  get dcd(): boolean {
    return this.pump?.carrier ?? false;
  }

  close(): void {
    this.hangup();
    this.o.leds?.close();
  }
}
