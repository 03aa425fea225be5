import type { AnswerStandard, AutomodeIdentity } from './automode-pump.ts';
import { DEFAULT_TIMINGS, FskDataPump } from './fsk/fsk-pump.ts';
import { FSK_MODES } from './fsk/specs.ts';
import type { DataPump, PumpLineStats } from './pump.ts';
import { V22bisDataPump } from './qam/v22bis-pump.ts';
import type { SyncDataPort } from './qam/v22bis-data-path.ts';
import type { ReceiverTap } from './tap.ts';
import { AnswererSignals, HOLD_BLOCKS } from './tones/answerer-signals.ts';
import { AsyncFramer } from './uart/async-framer.ts';
import { ByteRing } from './uart/byte-ring.ts';

export interface AutomodeCallerOptions {
  txLevelDbm0?: number;
  /** FSK: far carrier must hold this long before connecting (S9). */
  carrierDetectMs?: number;
  /** Far carrier may vanish this long before the call drops (S10). */
  carrierLossMs?: number;
  /** Highest rate tried (+MS's max rate): 2400 V.22bis, 1200 V.22/Bell 212A, 300 FSK only. */
  maxRate?: 300 | 1200 | 2400;
  /** Lowest rate accepted (+MS's min rate): 1200 or 2400 leave out the FSK fallbacks. */
  minRate?: 300 | 1200 | 2400;
  /** ATB0 ('itu', the default) or ATB1 ('bell'): how soon a Bell answer tone is taken for a Bell 212A answerer. */
  standard?: AnswerStandard;
  /**
   * ATB0: a 2225 Hz tone that has lasted this long without the V.25 gap is taken for a Bell 212A answerer (which sends
   * it until it hears the caller); a Bell 103 answerer that follows V.25 ends its answer tone within 4.0 s (3.3 ± 0.7).
   */
  bellWaitMs?: number;
  /** After the Bell 212A caller's scrambled ones begin: no scrambled ones from the answerer this long is a Bell 103. */
  bellFallbackMs?: number;
}

const BLOCK_MS = 40;
type FskMode = 'v21' | 'bell103';

/**
 * The calling automode modem, as a Smartmodem 2400 or a Sportster dials: at the highest rate enabled, falling back
 * to what the answerer offers. It starts as a V.22bis caller (which itself takes V.22 from unscrambled ones without
 * S1, and Bell 212A from the 2225 Hz tone) and meanwhile listens (AnswererSignals) for the FSK answerers:
 *   the V.21 answering channel (1650/1850 Hz) after the 2100 Hz answer tone: the V.21 originate pump takes the call;
 *   the 2225 Hz Bell answer tone, ended by V.25's silence and then resumed as a carrier: a Bell 103 answerer (V.25
 *   gives the answer tone 3.3 ± 0.7 s and 75 ± 20 ms of silence before the carrier);
 *   a 2225 Hz tone that does not end (ATB0: past `bellWaitMs`; ATB1: at once) is answered as Bell 212A (scrambled
 *   ones at 1200 bit/s); an answerer that sends no scrambled ones back (`bellFallbackMs`) is a Bell 103 with no V.25
 *   answer sequence, and the Bell 103 originate pump takes the call, with what it has decoded of the answerer's data.
 * V.23 and Bell 202 are never taken here (+MS selects them): a 1300 Hz V.23 mark is noted in `heard` for the log.
 * The FSK originate pumps listen from the start (their carrier detect learns the noise floor first), as the
 * automode answerer's do. Implements DataPump by delegation.
 */
export class AutomodeCaller implements DataPump {
  readonly role = 'caller' as const;
  /** The answerer's mode once known (for a QAM answerer, final at CONNECT). */
  identified: AutomodeIdentity | null = null;
  readonly signals = new AnswererSignals();
  private readonly qam: V22bisDataPump | null;
  private readonly ahead: Record<FskMode, FskDataPump> | null;
  private active: DataPump | null;
  private tap: ReceiverTap | null = null;
  private sync: SyncDataPort | null = null;
  private readonly standard: AnswerStandard;
  private readonly bellWaitBlocks: number;
  private readonly fallbackBlocks: number;
  private bellEnded = false; // a 2225 Hz tone was heard and then silence: a V.25 answer sequence
  private bellSinceScrambled = 0;
  /** Before any pump carries the call (+MS max 300, nothing heard yet): nothing to send, nothing received. */
  private readonly idleTx = new AsyncFramer(undefined, 16);
  private readonly idleRx = new ByteRing(16);

  constructor(private readonly opts: AutomodeCallerOptions = {}) {
    const max = opts.maxRate ?? 2400;
    const min = opts.minRate ?? 300;
    this.standard = opts.standard ?? 'itu';
    this.bellWaitBlocks = Math.round((opts.bellWaitMs ?? 4200) / BLOCK_MS);
    this.fallbackBlocks = Math.round((opts.bellFallbackMs ?? 1200) / BLOCK_MS);
    this.qam =
      max >= 1200
        ? new V22bisDataPump('caller', { maxRate: max === 2400 ? 2400 : 1200, txLevelDbm0: opts.txLevelDbm0, carrierLossMs: opts.carrierLossMs })
        : null;
    if (this.qam) this.qam.holdBellAnswer = this.standard === 'itu';
    this.ahead = min <= 300 ? { v21: this.fskPump('v21'), bell103: this.fskPump('bell103') } : null;
    this.active = this.qam;
  }

  /** What was heard so far, for the log: the answer tones and the carriers. */
  get heard(): AnswererSignals {
    return this.signals;
  }

  get state(): string {
    return this.active?.state ?? 'await-answer-tone';
  }

  get tx(): DataPump['tx'] {
    return this.active?.tx ?? this.idleTx;
  }

  get rx(): DataPump['rx'] {
    return this.active?.rx ?? this.idleRx;
  }

  get carrier(): boolean {
    return this.active?.carrier ?? false;
  }

  get connectRate(): number {
    return this.active?.connectRate ?? 0;
  }

  get rxLevelDbm0(): number {
    return this.active?.rxLevelDbm0 ?? -Infinity;
  }

  get overruns(): number {
    return this.active?.overruns ?? 0;
  }

  get framingErrors(): number {
    return this.active?.framingErrors ?? 0;
  }

  get lineStats(): PumpLineStats | undefined {
    return this.active?.lineStats;
  }

  get retrains(): number | undefined {
    return this.active?.retrains;
  }

  /** The pump carrying the call (a V22bisDataPump, or an FskDataPump once an FSK answerer is heard). */
  get current(): DataPump | null {
    return this.active;
  }

  setTap(tap: ReceiverTap | null): void {
    this.tap = tap;
    this.active?.setTap?.(tap);
  }

  /** V.42 takes the QAM pump's data bits; an FSK call has none (null), so V.42 passes its bytes through. */
  get syncData(): SyncDataPort | null {
    return this.active instanceof FskDataPump ? null : this.sync;
  }

  set syncData(port: SyncDataPort | null) {
    this.sync = port;
    if (this.qam) this.qam.syncData = port;
  }

  process(rxAudio: Int16Array, txAudio: Int16Array): void {
    if (this.active instanceof FskDataPump) {
      this.active.process(rxAudio, txAudio);
      return;
    }
    if (this.signals.process(rxAudio)) this.decide();
    if (this.active instanceof FskDataPump) {
      this.active.process(rxAudio, txAudio);
      return;
    }
    if (this.ahead) {
      this.ahead.v21.listenAhead(rxAudio);
      this.ahead.bell103.listenAhead(rxAudio);
    }
    if (this.qam) this.qam.process(rxAudio, txAudio);
    else txAudio.fill(0);
    if (this.qam?.state === 'connected') this.identified = this.qam.rate === 2400 ? 'v22bis' : this.signals.bellToneHeard ? 'bell212a' : 'v22';
  }

  /** A block of the far signal has been classified: hand the call to an FSK pump, or let the QAM pump answer 2225 Hz. */
  private decide(): void {
    const s = this.signals;
    const qamWaiting = this.qam === null || this.qam.state === 'await-usb1';
    if (s.last === 'silence' && s.bellToneHeard) this.bellEnded = true;
    if (this.ahead && qamWaiting && s.run >= HOLD_BLOCKS) {
      if (s.last === 'v21') return this.handOver('v21');
      // A Bell answer tone, its V.25 gap, and the 2225 Hz mark again: a Bell 103 answerer's carrier.
      if (s.last === 'bell' && this.bellEnded) return this.handOver('bell103');
      // No QAM to try (+MS max 300): a steady 2225 Hz is a Bell 103 answerer's mark, after ATB0's wait.
      if (!this.qam && s.last === 'bell' && (this.standard === 'bell' || s.run >= this.bellWaitBlocks)) return this.handOver('bell103');
    }
    if (this.qam && this.qam.holdBellAnswer && s.last === 'bell' && s.run >= this.bellWaitBlocks && !this.bellEnded) this.qam.holdBellAnswer = false;
    // Our Bell 212A scrambled ones are out: a 212A answerer's own are recognised within ~0.6 s (270 ms each way). A
    // Bell 103 answerer keeps its 2225 Hz mark, or takes our signal for a carrier and begins its data (2225/2025 Hz).
    const q = this.qam;
    if (q?.state === 'send-sb1' && q.bellAnswerer && !q.farScrambledOnes) this.bellSinceScrambled++;
    else this.bellSinceScrambled = 0;
    // Its characters since then have been decoded by the listening Bell 103 pump (a steady mark decodes to none): kept.
    if (this.ahead && this.bellSinceScrambled >= this.fallbackBlocks) this.handOver('bell103', true);
  }

  /** The listening FSK originate pump takes the call: its carrier now, CONNECT once the far carrier holds S9. */
  private handOver(mode: FskMode, keepReceived = false): void {
    const pump = this.ahead![mode];
    if (!keepReceived) pump.discardReceived();
    pump.originate();
    this.identified = mode;
    if (this.tap) this.active?.setTap?.(null);
    this.active = pump;
    if (this.tap) pump.setTap(this.tap);
  }

  private fskPump(mode: FskMode): FskDataPump {
    return new FskDataPump(FSK_MODES[mode], 'caller', {
      ...DEFAULT_TIMINGS,
      txLevelDbm0: this.opts.txLevelDbm0 ?? DEFAULT_TIMINGS.txLevelDbm0,
      carrierDetectMs: this.opts.carrierDetectMs ?? DEFAULT_TIMINGS.carrierDetectMs,
      carrierLossMs: this.opts.carrierLossMs ?? DEFAULT_TIMINGS.carrierLossMs,
    });
  }
}
