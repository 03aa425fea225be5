import { EventEmitter } from 'node:events';
import { FskDataPump } from '../dsp/fsk/fsk-pump.ts';
import { AutomodeCaller } from '../dsp/automode-caller.ts';
import { AutomodePump } from '../dsp/automode-pump.ts';
import { AnswererSignals } from '../dsp/tones/answerer-signals.ts';
import { createDataPump } from '../dsp/pump-factory.ts';
import type { Modulation } from '../dsp/pump-factory.ts';
import type { DataPump } from '../dsp/pump.ts';
import { V42DataPump } from '../dsp/v42/v42-pump.ts';
import { connectSuffix, errorControlOptions, linkPage, negotiationReports } from './error-control.ts';
import { handshakeVerdict, heardText, REASON_TEXT } from './call-end.ts';
import type { CallEndReason } from './call-end.ts';
import { FRAME_SAMPLES } from '../dsp/q15.ts';
import type { LedPanel, LedState } from '../hal/leds/led-panel.ts';
import { allOff } from '../hal/leds/led-panel.ts';
import type { CallLeg, IncomingCall, PhoneLine } from '../hal/line/phone-line.ts';
import { presetChain } from '../config/chain.ts';
import type { DtePort } from '../hal/serial/dte-port.ts';
import { carrierFor, formatCarrier } from './at/carrier.ts';
import { ControlPolicy } from './at/control-policy.ts';
import type { DtrAction } from './at/control-policy.ts';
import type { DteFormat } from './at/command-line.ts';
import type { DialPlan } from './at/dial-string.ts';
import { DteFlow } from './at/dte-flow.ts';
import type { FlowMode } from './at/dte-flow.ts';
import { GuardTimeEscape } from './at/escape.ts';
import { AtInterpreter } from './at/interpreter.ts';
import type { AtHost } from './at/interpreter.ts';
import { ProfileStore } from './at/profiles.ts';
import type { ResultCode } from './at/result-codes.ts';
import { FrameClock } from './frame-clock.ts';
import { productInfo } from './product.ts';
import type { CallStatistics } from './product.ts';

/** The modem's states, as they appear in logs and telemetry. */
export type ModemState = 'command' | 'dialing' | 'ringing' | 'handshake' | 'online' | 'online-command';

/** One finished call, as telemetry and the call log record it. */
export interface CallRecord {
  direction: 'outgoing' | 'incoming';
  number: string;
  modulation: Modulation;
  rate: number | null;
  startedAt: number; // wall clock, ms
  durationMs: number; // line time from off hook to on hook
  connectedMs: number; // line time in data mode
  bytesToLine: number;
  bytesFromLine: number;
  /** Why it ended: a CallEndReason (firmware-app/call-end.ts): 'hangup', 'DTR', 'carrier-lost', 'no-answer-tone', 'BUSY' ... */
  result: string;
  /** Retrains during the call, from pumps that retrain (V.22bis); null for those that do not, or no pump. */
  retrains: number | null;
  /** The channel chain the call crossed (the simulated exchange's, config/chain.ts); null or absent: none modelled. */
  chain?: string | null;
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
  /** The factory +MS (AT&F): automode (V.22bis down to 300) unless the configuration names one modulation. */
  modulation?: Modulation;
  txLevelDbm0?: number;
  /** Where stored profiles and numbers live (&W, &Y, &Z); null keeps them in memory. Default `state`. */
  stateDir?: string | null;
  /** DTE framing fixed by the configuration (serial.framing); null or absent: detected from each "AT". */
  dteFraming?: DteFormat | null;
  /** The line's own `#` commands (AT#TELNET, AT#SPEED: firmware-app/internet-commands.ts). */
  commands?: AtHost['command'];
}

/** V.22bis/V.22/Bell 212A handshake states in which the far modem has answered and training runs (v22bis-handshake.ts). */
const TRAINING_STATES = new Set(['caller-silence', 'send-s1', 'send-sb1', 'send-sb1-2400']);
const RING_CYCLE_MS = 6000; // US cadence: 2 s ring, 4 s silence
const RING_ON_MS = 2000;

type OpenRecord = Omit<CallRecord, 'durationMs' | 'connectedMs' | 'result' | 'retrains'> & { startLineMs: number; connectedAtLineMs: number | null; statsAt: { to: number; from: number } };

/**
 * The modem: the DTE port and its AT interpreter on one side, a call and its data pump on the other, and the call
 * state machine between. Runs the audio frame loop while a call (or a ringing line) exists.
 */
export class Modem implements AtHost {
  state: ModemState = 'command';
  readonly events = new EventEmitter<ModemEvents>();
  readonly at: AtInterpreter;
  readonly flow: DteFlow;
  private readonly policy: ControlPolicy;
  private readonly escape: GuardTimeEscape;
  private leg: CallLeg | null = null;
  /** What ends the call once the V.42 link's DISC is answered (releaseV42). */
  private release: (() => void) | null = null;
  private pump: DataPump | null = null;
  private incoming: IncomingCall | null = null;
  private dialToken: object | null = null; // the call being placed (pauses before the line is seized)
  private heldDigits = ''; // dialled with `;`: the line stays off hook for more digits
  private heldPreset: string | null = null; // the dial suffix `:name` of those digits
  private readonly tx = new Int16Array(FRAME_SAMPLES);
  private readonly rx = new Int16Array(FRAME_SAMPLES);
  private escapeTimer: NodeJS.Timeout | null = null;
  private leds: LedState = allOff();
  private record: OpenRecord | null = null;
  private activity = { rd: 0, sd: 0 };
  private ringOn = false;
  private idleSinceMs = 0;
  private breaks = 0;
  stats = { bytesToLine: 0, bytesFromLine: 0, calls: 0 };
  lastCall: CallStatistics | null = null;
  /** What was heard of the far modem during this call's handshake (the reason a failed one gives). */
  private heard = new AnswererSignals();
  private carrierFrames = 0;
  private pumpHeardCarrier = false;
  /** The V.42 link of the call in progress or the last one (ATI11). */
  private lastV42: V42DataPump | null = null;
  /** Observers of each line frame of a call (received, transmitted), e.g. the panel's spectrum and call recording. */
  readonly frameTaps: Array<(rx: Int16Array, tx: Int16Array) => void> = [];
  /** AT#REC: record the audio of the next calls (firmware-app/panel/recorder.ts does the recording). */
  recording = false;

  constructor(private readonly o: ModemOptions) {
    const store = new ProfileStore(o.stateDir === undefined ? 'state' : o.stateDir, o.log, formatCarrier(carrierFor(o.modulation ?? 'auto')));
    this.flow = new DteFlow(o.port);
    this.at = new AtInterpreter(this, (t) => o.port.write(Buffer.from(t, 'latin1')), { store, log: o.log });
    this.policy = new ControlPolicy(o.port.lines, this.at.opt, () => this.at.s.get(25), (a) => this.dtrOff(a));
    this.escape = new GuardTimeEscape(
      () => this.at.s.get(2),
      () => this.at.s.get(12) * 20,
    );
    if (o.dteFraming) this.at.fixFormat(o.dteFraming);
    o.port.onData((d) => this.onDte(d));
    o.port.lines.onBreak((ms) => this.breakFromDte(ms));
    o.line.onIncoming((call) => this.onIncoming(call));
    this.changed();
  }

  private setState(s: ModemState): void {
    const prev = this.state;
    this.state = s;
    if (s !== prev) {
      this.o.log(`modem: ${prev} → ${s}`);
      this.flow.held = s === 'online-command';
      if (s === 'online') this.flow.flushDown();
      this.events.emit('state', s, prev);
    }
    this.showLeds();
    if (s !== prev) this.o.leds?.callState?.(s);
  }

  // ---- DTE side ----

  private onDte(data: Uint8Array): void {
    switch (this.state) {
      case 'online':
        this.escape.feed(data, performance.now());
        this.armEscape();
        this.flow.fromDte(data);
        return;
      case 'dialing':
      case 'handshake':
        // Any character from the DTE abandons a call in progress, as on a Hayes modem.
        this.endCall('NO CARRIER', 'abandoned');
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
    this.escapeTimer = setTimeout(
      () => {
        this.escapeTimer = null;
        if (this.state !== 'online') return;
        if (this.escape.poll(performance.now())) {
          this.setState('online-command');
          this.at.result('OK');
        } else {
          this.armEscape(); // timers may fire a fraction of a millisecond early: look again
        }
      },
      Math.max(0, until - performance.now()) + 1,
    );
  }

  /** A break from the DTE goes to the line as space for as long (FSK carries it; V.14 would not). */
  private breakFromDte(ms: number): void {
    const pump = this.pump instanceof AutomodeCaller || this.pump instanceof AutomodePump ? this.pump.current : this.pump;
    if (this.state !== 'online' || !(pump instanceof FskDataPump)) return; // the QAM pumps carry no break yet
    const baud = (pump.role === 'caller' ? pump.mode.caller : pump.mode.answerer).baud;
    pump.tx.sendBreak(Math.max(20, Math.round((ms * baud) / 1000)));
    this.breaks++;
  }

  /** DTR stayed off for S25: &D1 command mode, &D2 hang up, &D3 hang up and reset. */
  private dtrOff(action: DtrAction): void {
    this.o.log(`modem: DTR off (&D${action})`);
    if (action === 1) {
      if (this.state === 'online') {
        this.setState('online-command');
        this.at.result('OK');
      }
      return;
    }
    if (this.state !== 'command' || this.leg || this.heldDigits) {
      if (!this.releaseV42(() => this.endCall('NO CARRIER', 'DTR'))) this.endCall('NO CARRIER', 'DTR');
    }
    if (action === 3) {
      this.at.loadProfile(this.at.store.state.powerUp);
      this.changed();
    }
  }

  // ---- AtHost ----

  dial(plan: DialPlan, dialString: string): void {
    if (this.release) this.finishRelease(); // ATH then ATD at once: the DISC is out, the new call does not wait
    if (this.leg || this.state !== 'command') {
      this.at.result('ERROR');
      return;
    }
    this.o.log(`modem: dial ${dialString.replace(/[^ -~]/g, '?')}`);
    this.heldDigits += plan.digits;
    if (plan.preset) this.heldPreset = plan.preset;
    if (plan.returnToCommand) {
      this.showLeds();
      this.at.result('OK'); // off hook, back to command mode: the next ATD dials on from here
      return;
    }
    const number = plan.host ?? this.heldDigits; // a host goes to the line as typed (hal/line/internet/routed-line.ts)
    this.heldDigits = '';
    const preset = this.heldPreset;
    this.heldPreset = null;
    this.beginRecord('outgoing', number);
    this.stats.calls++;
    const token = {};
    this.dialToken = token; // before the state changes: OH lights with it
    this.setState('dialing');
    void this.placeCall(token, number, plan, preset);
  }

  private async placeCall(token: object, number: string, plan: DialPlan, preset: string | null): Promise<void> {
    // Commas and flashes: line time before the digits go out.
    for (let ms = 0; ms < plan.pauseMs; ms += 20) {
      await this.o.clock.tick();
      if (this.dialToken !== token) return;
    }
    if (this.dialToken !== token) return;
    this.dialToken = null;
    // The dial string's parser admitted only preset names, so presetChain cannot throw here.
    this.leg = this.o.line.dial(number, preset ? presetChain(preset, 'dial suffix') : undefined);
    if (this.record) this.record.chain = this.leg.chain ?? null;
    void this.runCall(this.leg, 'caller', plan);
  }

  answer(): void {
    if (this.release) this.finishRelease();
    const call = this.incoming;
    if (!call || call.abandoned || this.leg) {
      this.at.result('NO CARRIER');
      return;
    }
    this.incoming = null;
    this.ringOn = false;
    this.beginRecord('incoming', call.from);
    this.leg = call.answer();
    if (this.record) this.record.chain = this.leg.chain ?? null;
    this.pump = this.newPump('answerer');
    this.setState('handshake');
  }

  hangup(): void {
    if (this.releaseV42(() => this.hangupNow())) return;
    this.hangupNow();
  }

  /**
   * V.42 §8.5.4: with an error-corrected link up, hanging up (ATH, DTR) first sends DISC and keeps the carrier until
   * the far end answers (UA or DM) or T401 passes; then `then` ends the call. False when there is no such link.
   */
  private releaseV42(then: () => void): boolean {
    if (this.release) return true; // already releasing: the call ends as soon as that is done
    const pump = this.pump;
    if (!(pump instanceof V42DataPump) || !pump.carryingData) return false;
    pump.disconnect();
    this.release = then;
    return true;
  }

  private hangupNow(): void {
    if (this.leg || this.dialToken) this.finishRecord('hangup');
    this.leg?.hangup();
    this.clearCall();
    if (this.state !== 'command') this.setState('command');
  }

  online(): boolean {
    if (this.state !== 'online-command' || !this.pump) return false;
    this.idleSinceMs = this.o.clock.lineMs;
    this.setState('online');
    this.at.result('CONNECT', this.pump.connectRate, connectSuffix(this.pump, this.at.opt.W));
    return true;
  }

  info(n: number): string[] | null {
    if (n === 11) return linkPage(this.lastV42);
    const p = this.pump;
    return productInfo(n, {
      carrier: formatCarrier(this.at.carrier),
      currentCall: this.record ? this.callStatistics(this.record, 'in progress') : null,
      dteFormat: this.at.format,
      flow: this.at.opt['&K'],
      stats: this.stats,
      lastCall: this.lastCall,
      chain: this.leg?.chain ?? null,
      line: p ? { rxLevelDbm0: p.rxLevelDbm0, carrier: p.carrier, framingErrors: p.framingErrors, overruns: p.overruns } : null,
      settings: `state ${this.state}, S0=${this.at.s.get(0)}, S7=${this.at.s.get(7)}, S30=${this.at.s.get(30)}`,
    });
  }

  changed(): void {
    this.flow.mode = this.at.opt['&K'] as FlowMode;
    this.showLeds();
  }

  /** The modulation the next call uses (+MS; 'auto' for automode). */
  get modulation(): Modulation {
    return this.at.carrier.modulation;
  }

  /** AT+IPR? (AtHost.dteSpeed): the UART's speed; null on a port without one. */
  get dteSpeed(): number | null {
    return this.o.port.speed ?? null;
  }

  /** AT+IPR=n: the result code goes out first (the port drains before it switches). */
  setDteSpeed(bps: number): boolean {
    const port = this.o.port;
    if (!port.setSpeed) return false;
    setImmediate(() => {
      port.setSpeed!(bps).then(
        () => this.o.log(`modem: DTE speed ${bps} bit/s`),
        (err: Error) => this.o.log(`modem: DTE speed ${bps} refused: ${err.message}`),
      );
    });
    return true;
  }

  /** AT# commands of the line (AtHost.command). */
  command(body: string): string[] | boolean | null {
    return this.o.commands?.(body) ?? null;
  }

  private newPump(role: 'caller' | 'answerer'): DataPump {
    const own = this.leg?.dataPump; // a call that carries bytes, not audio (an Internet call): no modulation
    if (own) return own;
    const v42 = errorControlOptions(this.at.opt['&Q'], this.at.s.get(36), this.at.s.get(46));
    const { minRate, maxRate } = this.at.carrier;
    this.heard = new AnswererSignals();
    this.carrierFrames = 0;
    this.pumpHeardCarrier = false;
    const pump = createDataPump(this.modulation, role, {
      minRate: minRate as 300 | 1200 | 2400,
      maxRate: maxRate as 300 | 1200 | 2400,
      txLevelDbm0: this.o.txLevelDbm0 ?? -10,
      carrierDetectMs: this.at.s.get(9) * 100,
      carrierLossMs: this.at.s.get(10) * 100,
      v42,
      standard: this.at.opt.B === 0 ? 'itu' : 'bell', // ATB: automode's answer tone and first offers
    });
    if (pump instanceof V42DataPump) this.lastV42 = pump;
    return pump;
  }

  // ---- the line ----

  private onIncoming(call: IncomingCall): void {
    if (this.leg || this.incoming || this.dialToken || this.heldDigits) {
      call.reject();
      return;
    }
    this.incoming = call;
    this.at.s.setInternal(1, 0);
    void this.runRinging(call);
  }

  /** Ring the DTE (RING, and RI with the cadence) every ring cycle of line time; auto-answer after S0 rings. */
  private async runRinging(call: IncomingCall): Promise<void> {
    let ms = 0;
    while (this.incoming === call && !call.abandoned) {
      const phase = ms % RING_CYCLE_MS;
      this.ringOn = phase < RING_ON_MS;
      if (phase === 0) {
        const rings = this.at.s.get(1) + 1;
        this.at.s.setInternal(1, rings);
        this.at.result('RING');
        if (rings === 1 && this.at.callerId === 1) this.reportCallerId(call.from);
        this.showLeds(); // RI rises with the ring, even the one that is answered
        const s0 = this.at.s.get(0);
        if (s0 > 0 && rings >= s0 && this.state === 'command' && this.policy.mayAnswer) {
          this.answer();
          break;
        }
      }
      this.showLeds();
      await this.o.clock.tick();
      ms += 20;
    }
    this.ringOn = false;
    if (this.incoming === call) this.incoming = null;
    this.showLeds();
    if (this.leg && this.state === 'handshake') void this.runCall(this.leg, 'answerer', null);
  }

  /** V.253 formatted caller ID, between the first and second RING (as a Caller ID modem reports it). */
  private reportCallerId(from: string): void {
    const d = new Date();
    const two = (n: number) => String(n).padStart(2, '0');
    // An Internet caller's number is its address. O: out of area, P: private (withheld).
    const nmbr = /^[0-9*#+]{1,20}$/.test(from) || /^[0-9A-Fa-f.:]{2,45}$/.test(from) ? from : from ? 'O' : 'P';
    const text = `\r\nDATE = ${two(d.getMonth() + 1)}${two(d.getDate())}\r\nTIME = ${two(d.getHours())}${two(d.getMinutes())}\r\nNMBR = ${nmbr}\r\n`;
    this.o.port.write(Buffer.from(text, 'latin1'));
  }

  /** The frame loop of one call, from dialling (or answering) to hang-up. */
  private async runCall(leg: CallLeg, role: 'caller' | 'answerer', plan: DialPlan | null): Promise<void> {
    let ms = 0;
    let lastProgress = '';
    this.tx.fill(0);
    while (this.leg === leg) {
      await this.o.clock.tick();
      if (this.leg !== leg) break;
      const alive = await leg.frame(this.tx, this.rx);
      if (this.leg !== leg) break;
      for (const tap of this.frameTaps) tap(this.rx, this.tx);
      ms += 20;
      if (leg.progress !== lastProgress) {
        lastProgress = leg.progress;
        this.o.log(`line: ${leg.progress}`);
      }
      if (!alive) return this.endCall('NO CARRIER', this.state === 'dialing' ? 'NO CARRIER' : 'far-end-hung-up');
      if (this.state === 'dialing') {
        this.tx.fill(0);
        const outcome = this.dialProgress(leg, ms, plan);
        if (outcome) return this.endCall(outcome);
        if (leg.progress === 'answered') {
          this.pump = this.newPump(role);
          this.setState('handshake');
          ms = 0;
        }
        continue;
      }
      const pump = this.pump!;
      pump.process(this.rx, this.tx);
      if (this.release && pump instanceof V42DataPump) {
        if (!pump.released) continue;
        this.o.log(`v42: link released (${pump.reason || 'no answer to DISC within T401'})`);
        return this.finishRelease();
      }
      if (this.state === 'handshake') {
        this.heard.process(this.rx);
        // The training under way: the QAM start-up past its wait for the far signal, V.42's detection, or an FSK
        // pump's own receiver holding the far carrier 200 ms (an answer tone is not a carrier to these).
        const training = TRAINING_STATES.has(pump.state) || pump.state.startsWith('v42') || (pump.state === 'await-carrier' && pump.carrier);
        this.carrierFrames = training ? this.carrierFrames + 1 : 0;
        if (this.carrierFrames >= 10) this.pumpHeardCarrier = true;
        if (pump.state === 'connected') this.connected(pump);
        else if (ms >= this.at.s.get(7) * 1000) return this.handshakeFailed(role, ms);
        continue;
      }
      if (pump.state === 'carrier-lost') return this.endCall('NO CARRIER', 'carrier-lost');
      this.moveData(pump);
      const s30 = this.at.s.get(30);
      if (s30 > 0 && this.o.clock.lineMs - this.idleSinceMs >= s30 * 10000) return this.endCall('NO CARRIER', 'inactivity');
    }
  }

  private connected(pump: DataPump): void {
    this.idleSinceMs = this.o.clock.lineMs;
    this.setState('online');
    const rs = this.at.settings;
    if (rs.verbose && !rs.quiet) {
      const crlf = String.fromCharCode(rs.cr, rs.lf);
      for (const line of negotiationReports(pump, this.at.opt.W)) this.at.say(`${crlf}${line}${crlf}`);
    }
    this.at.result('CONNECT', pump.connectRate, connectSuffix(pump, this.at.opt.W));
    if (pump instanceof V42DataPump) this.o.log(`v42: ${pump.mode}${pump.reason ? ` (${pump.reason})` : ''}${pump.compressing ? ', V.42bis' : ''}`);
    const modem = pump instanceof V42DataPump ? pump.modem : pump; // automode under V.42 (&Q5)
    if (modem instanceof AutomodePump) this.o.log(`automode: the caller is ${modem.identified} (ATB${this.at.opt.B})`);
    if (modem instanceof AutomodeCaller) this.o.log(`automode: the answerer is ${modem.identified} (ATB${this.at.opt.B}), ${heardText(modem.heard)}`);
    if (this.record) {
      // An automode call is recorded by the modulation it connected with.
      if ((modem instanceof AutomodeCaller || modem instanceof AutomodePump) && modem.identified) this.record.modulation = modem.identified;
      this.record.rate = pump.connectRate;
      this.record.connectedAtLineMs = this.o.clock.lineMs;
    }
    this.events.emit('connect', pump.connectRate);
  }

  /** The outcome of dialling, if there is one yet. X3/X4 report BUSY; `@` turns endless ringback into NO ANSWER. */
  private dialProgress(leg: CallLeg, ms: number, plan: DialPlan | null): ResultCode | null {
    const timedOut = ms >= this.at.s.get(7) * 1000;
    switch (leg.progress) {
      case 'busy':
        return ms > 1500 ? 'BUSY' : null;
      case 'no-dialtone':
        return 'NO DIALTONE'; // no phone connected, or no dial tone on the line (a line interface's detector)
      case 'no-answer':
        return 'NO ANSWER'; // the line gave up on ringback itself
      case 'invalid-number':
        return ms > 1500 ? 'NO CARRIER' : null;
      case 'ringing':
        return timedOut ? (plan?.quietAnswer ? 'NO ANSWER' : 'NO CARRIER') : null;
      default:
        return timedOut ? 'NO CARRIER' : null;
    }
  }

  /** Per frame in data mode: DTE bytes to the pump, received bytes to the DTE (held while in command mode). */
  private moveData(pump: DataPump): void {
    const moved = this.flow.toLine(pump.tx.queue);
    this.stats.bytesToLine += moved;
    if (moved) this.activity.sd = 3;
    const room = this.flow.down.free;
    if (pump.rx.length > 0 && room > 0) {
      const got = pump.rx.take(room);
      this.stats.bytesFromLine += got.length;
      this.activity.rd = 3;
      this.flow.fromLine(got);
    }
    if (moved || this.activity.rd === 3 || this.state !== 'online') this.idleSinceMs = this.o.clock.lineMs;
    this.tickLeds();
  }

  /** S7 ran out before CONNECT: what was heard says why (no answer tone, answer tone but no carrier, training). */
  private handshakeFailed(role: 'caller' | 'answerer', ms: number): void {
    const reason = handshakeVerdict(role, this.heard, this.pumpHeardCarrier);
    this.o.log(`modem: handshake failed after ${(ms / 1000).toFixed(1)} s (S7=${this.at.s.get(7)}): ${REASON_TEXT[reason]}; ${heardText(this.heard)}`);
    this.endCall('NO CARRIER', reason);
  }

  private endCall(code: ResultCode, reason?: CallEndReason): void {
    this.finishRecord(reason ?? (code as CallEndReason));
    this.leg?.hangup();
    this.clearCall();
    this.setState('command');
    if (reason !== 'DTR') this.at.result(code);
  }

  private finishRelease(): void {
    const then = this.release;
    this.release = null;
    then?.();
  }

  private clearCall(): void {
    this.release = null;
    this.leg = null;
    this.pump = null;
    this.dialToken = null;
    this.heldDigits = '';
    this.flow.reset();
    if (this.escapeTimer) clearTimeout(this.escapeTimer);
    this.escapeTimer = null;
  }

  // ---- call records ----

  private beginRecord(direction: CallRecord['direction'], number: string): void {
    this.breaks = 0;
    this.flow.lostUp = 0;
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
      chain: null,
      statsAt: { to: this.stats.bytesToLine, from: this.stats.bytesFromLine },
    };
  }

  /** The call record of `r` as it stands now, ended with `result`. */
  private closeRecord(r: OpenRecord, result: CallEndReason): CallRecord {
    const now = this.o.clock.lineMs;
    const { startLineMs, connectedAtLineMs, statsAt, ...rest } = r;
    return {
      ...rest,
      bytesToLine: this.stats.bytesToLine - statsAt.to,
      bytesFromLine: this.stats.bytesFromLine - statsAt.from,
      durationMs: now - startLineMs,
      connectedMs: connectedAtLineMs === null ? 0 : now - connectedAtLineMs,
      result,
      retrains: this.pump?.retrains ?? null,
    };
  }

  /** ATI6's figures for a call (the one in progress: `result` 'in progress'). */
  private callStatistics(r: OpenRecord | CallRecord, result: string): CallStatistics {
    const p = this.pump;
    const record = 'startLineMs' in r ? this.closeRecord(r, 'NO CARRIER') : r;
    return {
      ...record,
      result,
      framingErrors: p?.framingErrors ?? 0,
      overruns: (p?.overruns ?? 0) + this.flow.lostDown,
      lostFromDte: this.flow.lostUp,
      breaks: this.breaks,
      rxLevelDbm0: p ? p.rxLevelDbm0 : null,
    };
  }

  private finishRecord(result: CallEndReason): void {
    const r = this.record;
    if (!r) return;
    this.record = null;
    const record = this.closeRecord(r, result);
    this.lastCall = this.callStatistics(record, result);
    this.o.log(`modem: call ended: ${result} (${REASON_TEXT[result]})`);
    if (this.lastCall.overruns > 0)
      this.o.log(`modem: ${this.lastCall.overruns} characters from the line were lost: the DTE did not take them and the modem's buffers were full`);
    this.events.emit('call-end', record);
  }

  // ---- front panel and control lines ----

  private tickLeds(): void {
    if (this.activity.rd > 0) this.activity.rd--;
    if (this.activity.sd > 0) this.activity.sd--;
    this.showLeds();
  }

  private showLeds(): void {
    const inCall = this.leg !== null || this.dialToken !== null || this.heldDigits !== '';
    const connected = (this.state === 'online' || this.state === 'online-command') && this.pump?.state === 'connected';
    if (this.policy) this.policy.update({ connected, dataMode: this.pump !== null && inCall, ringing: this.ringOn });
    const l = this.leds;
    l.MR = true;
    l.TR = this.o.port.lines.get('DTR');
    l.AA = this.at ? this.at.s.get(0) > 0 : false;
    l.OH = inCall;
    l.CD = connected && (this.pump?.carrier ?? false);
    l.HS = l.CD && (this.pump?.connectRate ?? 0) >= 1200;
    l.RD = this.activity.rd > 0;
    l.SD = this.activity.sd > 0;
    this.o.leds?.show(l);
    this.events.emit('leds', l);
  }

  /** The data pump of the call in progress (line quality, receiver taps), or null. */
  get dataPump(): DataPump | null {
    return this.pump;
  }

  /** The call in progress as far as it has gone (the panel's front panel), or null. */
  get currentCall(): {
    direction: CallRecord['direction'];
    number: string;
    rate: number | null;
    lineMs: number;
    connectedMs: number;
    bytesToLine: number;
    bytesFromLine: number;
    chain: string | null;
  } | null {
    const r = this.record;
    if (!r) return null;
    const now = this.o.clock.lineMs;
    return {
      direction: r.direction,
      number: r.number,
      rate: r.rate,
      lineMs: now - r.startLineMs,
      connectedMs: r.connectedAtLineMs === null ? 0 : now - r.connectedAtLineMs,
      bytesToLine: this.stats.bytesToLine - r.statsAt.to,
      bytesFromLine: this.stats.bytesFromLine - r.statsAt.from,
      chain: r.chain ?? null,
    };
  }

  /** Received carrier present (DCD). */
  get dcd(): boolean {
    return this.pump?.carrier ?? false;
  }

  close(): void {
    this.hangupNow();
    this.policy.close();
    this.o.leds?.close();
  }
}
