import { DEFAULT_TIMINGS, FskDataPump } from './fsk/fsk-pump.ts';
import { FSK_MODES } from './fsk/specs.ts';
import type { DataPump, PumpLineStats } from './pump.ts';
import { FRAME_SAMPLES, SAMPLE_RATE } from './q15.ts';
import { V22bisDataPump } from './qam/v22bis-pump.ts';
import type { SyncDataPort } from './qam/v22bis-data-path.ts';
import type { ReceiverTap } from './tap.ts';
import { FskCallerDetector } from './tones/fsk-caller-detector.ts';

/** What an automode answerer found the caller to be. */
export type AutomodeIdentity = 'v22bis' | 'v22' | 'bell212a' | 'v21' | 'bell103';

export interface AutomodeOptions {
  txLevelDbm0?: number;
  /** FSK: far carrier must hold this long before connecting (S9). */
  carrierDetectMs?: number;
  /** Far carrier may vanish this long before the call drops (S10). */
  carrierLossMs?: number;
  /** 2400: offer V.22bis; 1200: V.22 at most. */
  maxRate?: 1200 | 2400;
  /** V.25 answer tone, ms (default 3000, as V22bisDataPump). */
  answerToneMs?: number;
  /** How long each offer (V.22 unscrambled ones, the Bell 2225 Hz tone, the V.21 answer carrier) is held, ms. */
  offerMs?: number;
  /** No caller identified in this long: give up (carrier-lost). */
  handshakeTimeoutMs?: number;
  /**
   * ATB0 ('itu', the default here) or ATB1 ('bell'): which family answers first, and what a caller whose signals
   * fit both is taken for (see AutomodePump).
   */
  standard?: AnswerStandard;
}

/** ATB0: CCITT/ITU-T (V.21, V.22); ATB1: Bell (103, 212A). */
export type AnswerStandard = 'itu' | 'bell';

const FRAME_MS = (FRAME_SAMPLES * 1000) / SAMPLE_RATE;

type Offer = 'itu' | 'bell' | 'v21';
type FskMode = 'v21' | 'bell103';
/**
 * The offers in turn (V.22bis/V.22 unscrambled ones, the Bell 2225 Hz tone, the V.21 answering carrier), the
 * standard's own family first: ITU-T, V.22bis then V.21, then Bell; Bell, the 2225 Hz tone (as the answer tone),
 * then V.22bis and V.21.
 */
const NEXT_OFFER: Record<AnswerStandard, Record<Offer, Offer>> = {
  itu: { itu: 'v21', v21: 'bell', bell: 'itu' },
  bell: { bell: 'itu', itu: 'v21', v21: 'bell' },
};

/**
 * The automode answering modem (the practice of V.22bis/V.32bis-era modems, following V.25): with ATB0 it answers
 * with the V.25 answer tone (2100 Hz), then offers V.22bis (unscrambled binary ones at 2400 Hz), the V.21 answering
 * carrier (1650 Hz mark) and the Bell answer tone (2225 Hz), in turn; with ATB1 it answers with the Bell answer tone,
 * which is its first offer, then V.22bis and V.21. Meanwhile it listens for what the caller sends:
 *   S1 (V.22bis caller) after the unscrambled ones: the V.22bis pump's own handshake;
 *   scrambled ones after the unscrambled ones: a 1200 bit/s caller that V.22 and Bell 212A alike describe, taken, as
 *   a Smartmodem 2400 takes it, for V.22 with ATB0 and for Bell 212A with ATB1;
 *   scrambled ones at 1200 Hz after 2225 Hz: a Bell 212A caller (V22bisDataPump in its Bell answering mode);
 *   980/1180 Hz or 1270/1070 Hz (FskCallerDetector): a V.21 or Bell 103 caller, which sends its mark once it takes
 *   one of the offers (or the answer tone) for the answering carrier; then an FSK pump takes over, sending its own
 *   carrier at once (during the V.21 offer, the offer's pump simply carries on).
 * Until the caller is known the pump of the current offer does the work; from then on the pump of the identified
 * mode carries the call. Implements DataPump by delegation.
 */
export class AutomodePump implements DataPump {
  readonly role = 'answerer' as const;
  /** The caller's mode once known (for a QAM caller, final at CONNECT: V.22bis at 2400, V.22 at 1200). */
  identified: AutomodeIdentity | null = null;
  private active: DataPump;
  private tap: ReceiverTap | null = null;
  private offer: Offer;
  private offerFrames = 0;
  private frames = 0;
  private lost = false;
  private readonly detector = new FskCallerDetector();
  private readonly standard: AnswerStandard;
  /**
   * The FSK answerers the call may be handed to, listening from the start: their carrier detect needs eight blocks
   * to learn the noise floor and two more to switch on, and a Bell 103 caller that took our 2225 Hz offer for the
   * answering carrier starts its data about 200 ms after the 120 ms in which its mark is recognised.
   */
  private readonly ahead: Record<FskMode, FskDataPump>;
  private readonly offerLimit: number;
  private readonly timeoutFrames: number;
  /** V.42 (dsp/v42/v42-pump.ts) takes the data bits of whichever QAM pump carries the call. */
  private sync: SyncDataPort | null = null;

  constructor(private readonly opts: AutomodeOptions = {}) {
    this.offerLimit = Math.round((opts.offerMs ?? 3000) / FRAME_MS);
    this.timeoutFrames = Math.round((opts.handshakeTimeoutMs ?? 30_000) / FRAME_MS);
    this.standard = opts.standard ?? 'itu';
    this.offer = this.standard;
    // ATB1: the Bell answer tone is the first Bell offer (a Bell 212A caller answers it, a Bell 103 caller takes it
    // for the answering carrier); ATB0: the V.25 answer tone, then the first V.22bis offer.
    this.active = this.qamPump(this.offer === 'bell', opts.answerToneMs ?? 3000);
    this.ahead = { v21: this.fskPump('v21'), bell103: this.fskPump('bell103') };
  }

  get state(): string {
    return this.lost ? 'carrier-lost' : this.pump.state;
  }

  get tx(): DataPump['tx'] {
    return this.pump.tx;
  }

  get rx(): DataPump['rx'] {
    return this.pump.rx;
  }

  get carrier(): boolean {
    return this.pump.carrier;
  }

  get connectRate(): number {
    return this.pump.connectRate;
  }

  get rxLevelDbm0(): number {
    return this.pump.rxLevelDbm0;
  }

  get overruns(): number {
    return this.pump.overruns;
  }

  get framingErrors(): number {
    return this.pump.framingErrors;
  }

  get lineStats(): PumpLineStats | undefined {
    return this.pump.lineStats;
  }

  get retrains(): number | undefined {
    return this.pump.retrains;
  }

  /** The tap follows the call from pump to pump. */
  setTap(tap: ReceiverTap | null): void {
    this.tap = tap;
    this.pump.setTap?.(tap);
  }

  /**
   * Synchronous data for V.42: handed to every QAM pump (each offer's, and the one that carries a QAM caller). An
   * FSK caller has no synchronous data (V.42 is not offered at 300 bit/s): null once one is identified, so that the
   * V.42 layer knows to pass the call's bytes through.
   */
  get syncData(): SyncDataPort | null {
    return this.identified === 'v21' || this.identified === 'bell103' ? null : this.sync;
  }

  set syncData(port: SyncDataPort | null) {
    this.sync = port;
    if (this.active instanceof V22bisDataPump) this.active.syncData = port;
  }

  /** The pump carrying the call (a V22bisDataPump or an FskDataPump once identified). */
  get current(): DataPump {
    return this.pump;
  }

  private get pump(): DataPump {
    return this.active;
  }

  private set pump(next: DataPump) {
    if (this.tap !== null) this.active.setTap?.(null);
    this.active = next;
    if (this.tap !== null) next.setTap?.(this.tap);
  }

  process(rxAudio: Int16Array, txAudio: Int16Array): void {
    this.frames++;
    if (this.lost) {
      txAudio.fill(0, 0, FRAME_SAMPLES);
      return;
    }
    if (this.identified === null) this.listen(rxAudio);
    this.pump.process(rxAudio, txAudio);
    if ((this.identified === null && this.offer !== 'v21') || this.identified === 'v22bis') this.watchQam();
  }

  /** Before the caller is known: FSK callers by their tones, the timeout, and the turn of the offers. */
  private listen(rxAudio: Int16Array): void {
    const fsk = this.detector.process(rxAudio);
    if (fsk !== 'none') {
      this.identified = fsk;
      if (!(fsk === 'v21' && this.offer === 'v21')) this.pump = this.handOver(fsk);
      return;
    }
    this.ahead.bell103.listenAhead(rxAudio);
    if (this.offer !== 'v21') this.ahead.v21.listenAhead(rxAudio); // during its offer it is the pump
    if (this.frames > this.timeoutFrames) {
      this.lost = true;
      return;
    }
    const s = this.pump.state;
    const waiting = s === 'send-usb1' || s === 'bell-answer-tone' || (this.offer === 'v21' && s === 'await-carrier');
    this.offerFrames = waiting ? this.offerFrames + 1 : 0;
    if (this.offerFrames >= this.offerLimit) {
      // Nothing answered this offer: the next one (no second V.25 answer tone: the offer follows at once).
      if (this.offer === 'v21') this.ahead.v21 = this.fskPump('v21'); // the offer's pump has moved on: a new one
      this.offer = NEXT_OFFER[this.standard][this.offer];
      this.offerFrames = 0;
      this.pump = this.offer === 'v21' ? this.handOver('v21') : this.qamPump(this.offer === 'bell', 0);
    }
  }

  /** The listening FSK answerer of `mode` takes the call; what it decoded before now was not the caller's data. */
  private handOver(mode: FskMode): FskDataPump {
    const pump = this.ahead[mode];
    pump.discardReceived();
    return pump;
  }

  /** A QAM caller answered the offer (its handshake has begun): V.22bis/V.22 or Bell 212A, final at CONNECT. */
  private watchQam(): void {
    const s = this.pump.state;
    if (s === 'send-usb1' || s === 'bell-answer-tone' || s === 'answer-tone' || s === 'answer-silence') return;
    if (this.offer === 'bell') this.identified = 'bell212a';
    else if (s !== 'connected' || this.pump.connectRate !== 1200) this.identified = 'v22bis';
    else this.identified = this.standard === 'bell' ? 'bell212a' : 'v22';
  }

  /** An FSK answerer whose answer tone has been sent already: its carrier at once (after a frame of silence). */
  private fskPump(mode: FskMode): FskDataPump {
    return new FskDataPump(FSK_MODES[mode], 'answerer', {
      ...DEFAULT_TIMINGS,
      txLevelDbm0: this.opts.txLevelDbm0 ?? DEFAULT_TIMINGS.txLevelDbm0,
      carrierDetectMs: this.opts.carrierDetectMs ?? DEFAULT_TIMINGS.carrierDetectMs,
      carrierLossMs: this.opts.carrierLossMs ?? DEFAULT_TIMINGS.carrierLossMs,
      answerToneMs: 0,
    });
  }

  private qamPump(bell: boolean, answerToneMs: number): V22bisDataPump {
    const pump = new V22bisDataPump('answerer', {
      maxRate: this.opts.maxRate ?? 2400,
      bell,
      txLevelDbm0: this.opts.txLevelDbm0,
      carrierLossMs: this.opts.carrierLossMs,
      answerToneMs,
    });
    pump.syncData = this.sync;
    return pump;
  }
}
