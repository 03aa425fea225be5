import { FRAME_SAMPLES } from '../q15.ts';
import type { ReceiverTap } from '../tap.ts';
import type { DataPump, PumpRole } from '../pump.ts';
import { AnswerToneGenerator } from '../tones/answer-tone.ts';
import { AsyncFramer } from '../uart/async-framer.ts';
import { ByteRing } from '../uart/byte-ring.ts';
import { UNIT } from './equalizer.ts';
import { SILENT, V22bisEncoder, V22_Q34 } from './v22-constellation.ts';
import { FarFallbackDetector, POOR_MSE_DB, V22bisLineWatch } from './line-quality.ts';
import { PendingChars } from './pending-chars.ts';
import { BellToneDetector, UnscrambledPatterns } from './v22bis-detectors.ts';
import { V22bisDataPath, type SyncDataPort } from './v22bis-data-path.ts';
import { TrainingSchedule } from './v22bis-training.ts';
import {
  CALLER_SILENCE,
  EQUALISER_DELAY_SYMBOLS,
  RATE_CHANGE_AFTER,
  S1111_SYMBOLS,
  S1_SYMBOLS,
  SB1_DETECT_BITS,
  SIXTEEN_AFTER,
  USB1_DETECT,
  V22_DATA_AFTER,
  type V22bisPumpOptions,
  type V22bisState,
} from './v22bis-handshake.ts';
import { V22Demodulator } from './v22-demodulator.ts';
import { HIGH_CHANNEL_HZ, LOW_CHANNEL_HZ, V22Modulator } from './v22-modulator.ts';

export type { V22bisPumpOptions, V22bisState } from './v22bis-handshake.ts';

/**
 * A V.22bis (and V.22) data pump for one call: the start-up sequences of V.22bis §6.3.1, rate selection by S1,
 * fallback to 1200 bit/s with a V.22 peer, retrain, and async characters carried over the synchronous modem
 * (V.22 §4: 8N1 characters back to back, mark fill; no over-speed handling). Implements DataPump.
 */
export class V22bisDataPump implements DataPump {
  state: V22bisState;
  readonly tx: AsyncFramer;
  readonly rx = new ByteRing(4096);
  retrains = 0;
  /** Falls back from 2400 to 1200 bit/s on a poor line, by this end or the far end (line-quality.ts). */
  fallbacks = 0;
  /**
   * Calling: do not answer a 2225 Hz tone as Bell 212A yet (the calling automode, dsp/automode-caller.ts, first
   * waits to tell a Bell 212A answerer from a Bell 103 one); V.22 unscrambled ones are answered as always.
   */
  holdBellAnswer = false;
  /** Rate in use once connected: 1200 or 2400. */
  rate: 1200 | 2400 = 1200;
  private readonly mod: V22Modulator;
  private readonly demod: V22Demodulator;
  private readonly tone: AnswerToneGenerator;
  private readonly bellTone: BellToneDetector;
  private bellPeer = false;
  private readonly bellOnly: boolean;
  private readonly encoder = new V22bisEncoder();
  private readonly data: V22bisDataPath;
  private readonly maxRate: 1200 | 2400;
  private clock = 0; // transmitted symbols since the state began
  private frames = 0;
  private readonly watch: V22bisLineWatch;
  private readonly farFallback = new FarFallbackDetector();
  private farFallbackTrusted = false;
  private fallbackWanted = false;
  // Receive-side pattern detectors.
  private readonly patterns = new UnscrambledPatterns();
  private readonly training: TrainingSchedule;
  private sb1Bits = 0;
  private rxWide = false; // decode four bits a symbol
  private circuit112At = -1; // tx symbol count when the far S1 ended (or ours did, answering): the rate clock
  private totalSymbols = 0;
  private retrainWanted = false;
  private onesRun = 0;
  private sb1At = -1;
  private readonly pending = new PendingChars(this.rx); // characters of the last frames, not yet committed to rx
  private rxSymbols = 0;
  private wideSymbols = 0; // symbols off the 1200 bit/s points since decoding four bits a symbol

  constructor(
    readonly role: PumpRole,
    opts: V22bisPumpOptions = {},
  ) {
    const level = opts.txLevelDbm0 ?? -10;
    this.maxRate = opts.bell ? 1200 : (opts.maxRate ?? 2400);
    const caller = role === 'caller';
    this.mod = new V22Modulator({
      carrierHz: caller ? LOW_CHANNEL_HZ : HIGH_CHANNEL_HZ,
      levelDbm0: level,
      guardTone: caller ? 'none' : (opts.guardTone ?? 'none'),
    });
    this.demod = new V22Demodulator({ carrierHz: caller ? HIGH_CHANNEL_HZ : LOW_CHANNEL_HZ });
    this.training = new TrainingSchedule(this.demod, this.patterns);
    this.bellPeer = opts.bell ?? false;
    this.bellOnly = opts.bellOnly ?? false;
    this.tone = new AnswerToneGenerator(this.bellPeer ? 'bell' : 'ans', { levelDbm0: level });
    this.bellTone = new BellToneDetector();
    this.tx = new AsyncFramer(undefined, 4096);
    this.data = new V22bisDataPath(this.tx, (b) => this.pending.push(b, this.frames, this.rxSymbols));
    this.answerToneFrames = Math.round((opts.answerToneMs ?? 3000) / 20);
    this.watch = new V22bisLineWatch(Math.round((opts.handshakeTimeoutMs ?? 20_000) / 20), Math.round((opts.carrierLossMs ?? 1400) / 20));
    this.state = caller ? 'await-usb1' : this.bellPeer ? 'bell-answer-tone' : 'answer-tone';
  }

  private readonly answerToneFrames: number;

  get carrier(): boolean {
    return this.demod.carrier;
  }

  /** Calling: the answerer is a Bell 212A (its 2225 Hz tone answered); and whether its scrambled ones are heard. */
  get bellAnswerer(): boolean {
    return this.bellPeer;
  }

  get farScrambledOnes(): boolean {
    return this.sb1At >= 0 || this.state === 'connected';
  }

  get rxLevelDbm0(): number {
    return this.demod.levelDbm0;
  }

  get overruns(): number {
    return this.pending.overruns;
  }

  get framingErrors(): number {
    return this.data.framingErrors;
  }

  /**
   * Synchronous data (V.22 §4 mode i, V.42, and the BER measurements): when set, data bits go from `nextBit` straight
   * to the scrambler and from the descrambler straight to `putBit`, bypassing the async framer and deframer.
   */
  get syncData(): SyncDataPort | null {
    return this.data.sync;
  }

  set syncData(port: SyncDataPort | null) {
    this.data.sync = port;
  }

  get connectRate(): number {
    return this.rate;
  }

  /** Line figures for telemetry: equaliser MSE (dB), carrier offset (Hz), AGC gain (dB). */
  get lineStats(): { mseDb: number; carrierOffsetHz: number; agcGainDb: number } {
    return { mseDb: this.demod.mseDb, carrierOffsetHz: this.demod.carrierOffsetHz, agcGainDb: this.demod.agcGainDb };
  }

  /** DataPump.setTap: the equalised, derotated symbols, UNIT per point step (±1, ±3 units). */
  setTap(tap: ReceiverTap | null): void {
    if (tap) {
      tap.kind = 'constellation';
      tap.scale = UNIT;
    }
    this.demod.tap = tap;
  }

  /** V.22bis §6.3.1.3: ask for a retrain (only at 2400 bit/s, while connected). Returns false when not possible. */
  retrain(): boolean {
    if (this.state !== 'connected' || this.rate !== 2400) return false;
    this.retrainWanted = true; // begins at the next symbol boundary after the character on the line (nextSymbol)
    return true;
  }

  process(rxAudio: Int16Array, txAudio: Int16Array): void {
    this.frames++;
    this.demod.process(rxAudio, FRAME_SAMPLES);
    // Characters decoded in a frame are kept only if the far signal was there in that frame and the next: the noise
    // after a carrier stops (before the detector's hold time runs out) must not turn into characters.
    // They are also held two frames more, so that a retrain's S1 (recognised some 30 ms after it began, meanwhile
    // decoded as data) can take back the characters it made.
    // And none while the received line signal detector is OFF (V.22: circuit 104 is clamped to binary 1 while
    // circuit 109 is OFF): after the far carrier has gone, line noise can sit above the detector's off threshold.
    if (!this.demod.energy || !this.demod.carrier) {
      this.pending.clear();
      if (!this.demod.carrier) this.data.resetDeframer(); // a character cut by the loss is not finished by what follows
    }
    this.pending.commit(this.frames - 3);
    // The far end's fallback shows as clean 1200 bit/s points; a burst of noise (equaliser MSE at the retrain level)
    // can scatter the decisions onto them just as well: the pattern is trusted only on a clean line.
    this.farFallbackTrusted = this.demod.mseDb <= POOR_MSE_DB;
    for (let k = 0; k < this.demod.symbolCount; k++) this.receiveSymbol(this.demod.symbols[k], this.demod.diffDibits[k], this.demod.diffDibitsMid[k]);
    this.watchLine();
    if (this.state === 'await-usb1' && this.bellTone.process(rxAudio) && this.demod.carrier && !this.holdBellAnswer) {
      this.bellPeer = true; // a Bell 212A answerer: no S1, 1200 bit/s
      this.enter('caller-silence');
    }
    switch (this.state) {
      case 'bell-answer-tone':
        this.tone.process(txAudio, FRAME_SAMPLES);
        return;
      case 'answer-tone':
        this.tone.process(txAudio, FRAME_SAMPLES);
        if (this.frames >= this.answerToneFrames) this.enter('answer-silence');
        return;
      case 'answer-silence':
        txAudio.fill(0, 0, FRAME_SAMPLES);
        // V.25 §4.2: 75 ± 20 ms of silence (four frames: 80 ms).
        if (this.frames >= this.answerToneFrames + 4) this.enter('send-usb1');
        return;
      case 'carrier-lost':
        txAudio.fill(0, 0, FRAME_SAMPLES);
        return;
      default:
        this.mod.process(txAudio, FRAME_SAMPLES, this);
    }
  }

  /** The modulator's symbol source: the state machine's transmit side, clocked at 600 baud. */
  nextSymbol(): number {
    this.clock++;
    this.totalSymbols++;
    this.timedTransitions();
    return this.nextSymbolOfState();
  }

  private nextSymbolOfState(): number {
    switch (this.state) {
      case 'send-usb1':
        return this.encoder.encode(3, V22_Q34); // unscrambled binary 1: dibit 11, +270° every symbol
      case 'send-s1':
        return this.encoder.encode(this.clock & 1 ? 0 : 3, V22_Q34); // V.22bis §6.3.1.1.1 b): 00 and 11 in turn
      case 'send-sb1':
        return this.encoder.encode(this.scrambledDibit(1), V22_Q34);
      case 'send-sb1-2400':
        return this.encoder.encode(this.scrambledDibit(1), this.scrambledDibit(1));
      case 'connected':
        if ((this.retrainWanted || this.fallbackWanted) && this.data.betweenCharacters) {
          if (this.fallbackWanted) this.startFallback();
          else this.startRetrain(false);
          this.retrainWanted = false;
          this.fallbackWanted = false;
          return this.nextSymbolOfState();
        }
        if (this.rate === 1200) return this.encoder.encode(this.scrambledDibit(-1), V22_Q34);
        return this.encoder.encode(this.scrambledDibit(-1), this.scrambledDibit(-1));
      default:
        return SILENT;
    }
  }

  /** Two scrambled bits (data path): ones (`fill` 1) or data (−1), mark while a retrain or fallback waits. */
  private scrambledDibit(fill: number): number {
    return this.data.dibit(fill, this.retrainWanted || this.fallbackWanted);
  }

  /** Transitions that depend on how long we have been sending something. */
  private timedTransitions(): void {
    const t = this.clock;
    const since112 = this.circuit112At < 0 ? -1 : this.totalSymbols - this.circuit112At;
    switch (this.state) {
      case 'caller-silence':
        if (t > CALLER_SILENCE) this.enter(this.maxRate === 2400 && !this.bellPeer ? 'send-s1' : 'send-sb1');
        return;
      case 'send-s1':
        if (t > S1_SYMBOLS) this.enter('send-sb1');
        return;
      case 'send-sb1':
        if (this.circuit112At >= 0) {
          if (since112 === SIXTEEN_AFTER) this.demod.sixteen = true;
          if (since112 >= RATE_CHANGE_AFTER) {
            this.rxWide = true;
            this.wideSymbols = 0;
            this.enter('send-sb1-2400');
          }
        } else {
          // V.22 peer (or V.22 mode here), §6.3.1.2: data 765 ms after the far scrambled ones were recognised
          // (answering, that moment is when this state began). The far end may start its data before that.
          if (this.sb1At < 0 && this.sb1Bits >= SB1_DETECT_BITS && !this.patterns.s1)
            this.sb1At = this.role === 'answerer' ? this.totalSymbols - t : this.totalSymbols;
          if (this.sb1At >= 0 && this.totalSymbols - this.sb1At > V22_DATA_AFTER) this.connect(1200);
        }
        return;
      case 'send-sb1-2400':
        if (t > S1111_SYMBOLS) this.connect(2400);
        return;
    }
  }

  /** `s`: the coherent decision (dibit << 2 | Q3Q4); `dibit`: the differentially detected dibit, for the patterns. */
  private receiveSymbol(s: number, diff: number, diffMid: number): void {
    this.rxSymbols++;
    // S1 through whichever of the two half-symbol phases sees it (the timing loop may not have found it yet).
    const seen = this.patterns.step(diff, diffMid, this.maxRate === 2400);
    if (seen === 'begin' && this.state === 'connected') {
      // A retrain coming (V.22bis §6.3.1.3): what the S1 made of the data so far is not data; stop taking more.
      // The pattern detectors see the raw samples; the data come through the equaliser, 3 symbols later.
      this.pending.dropFrom(this.rxSymbols - this.patterns.s1Run + EQUALISER_DELAY_SYMBOLS + 1);
      this.data.stopReceiving();
    } else if (seen === 'end') this.farS1Ended();
    // The far end falling back to 1200 bit/s (line-quality.ts): what its 1200 bit/s points made as 2400 bit/s data is
    // not data; follow it.
    if (!this.farFallbackTrusted) this.farFallback.reset();
    else if (this.state === 'connected' && this.rate === 2400 && !this.patterns.s1 && !this.fallbackWanted && this.farFallback.step(s & 3)) {
      this.pending.dropFrom(this.rxSymbols - FarFallbackDetector.window);
      this.data.stopReceiving();
      this.fallbackWanted = true;
    }
    this.bit(s >> 3);
    this.bit((s >> 2) & 1);
    if (this.rxWide) {
      if ((s & 3) !== V22_Q34) this.wideSymbols++;
      this.bit((s >> 1) & 1);
      this.bit(s & 1);
    }
    if (this.state === 'await-usb1' && this.patterns.usb1Run >= USB1_DETECT && this.demod.carrier && this.bellTone.usb1 && !this.bellOnly)
      this.enter('caller-silence');
    this.training.step(this.state, this.circuit112At >= 0, this.sb1Bits);
  }

  private bit(line: number): void {
    const b = this.data.descramble(line);
    // Scrambled ones, but not unscrambled ones seen through the descrambler (they descramble to ones as well).
    // b && usb1Run < 20 ? sb1Bits + 1 : 0, and b ? onesRun + 1 : 0 below, without branches (b is random in data).
    this.sb1Bits = (this.sb1Bits + 1) & -(b & ((this.patterns.usb1Run - 20) >>> 31));
    if ((this.state === 'send-usb1' || this.state === 'bell-answer-tone') && this.sb1Bits >= SB1_DETECT_BITS) {
      this.demod.adapt = 'train';
      this.enter('send-sb1'); // a V.22 caller: §6.3.1.2.2 b)
    }
    this.onesRun = (this.onesRun + 1) & -b;
    // Ready to receive data (circuit 109): at 2400 bit/s after 32 consecutive scrambled ones at 2400 (§6.3.1.1.1 f));
    // from a V.22 modem once its scrambled ones are recognised (§6.3.1.2.1 c)). Not at our own CONNECT: the far end
    // may start its characters first, and back-to-back async characters joined mid-stream cannot be re-framed.
    if (!this.data.receiving && this.state !== 'connected') {
      // (Sixteen-point symbols must have been seen too: 1200 bit/s ones decoded four bits a symbol can look like ones.)
      const at2400 = this.rxWide && this.wideSymbols >= 16 && this.onesRun >= 32;
      const fromV22 = this.circuit112At < 0 && this.sb1Bits >= SB1_DETECT_BITS && (this.state === 'send-sb1' || this.state === 'send-sb1-2400');
      if (at2400 || fromV22) this.data.startReceiving();
    }
    this.data.deliver(b);
  }

  /** The end of the far end's S1: circuit 112 ON (V.22bis §6.3.1.1.1 c), §6.3.1.1.2 b)). */
  private farS1Ended(): void {
    switch (this.state) {
      case 'send-usb1':
        this.circuit112At = this.totalSymbols;
        this.demod.adapt = 'train';
        this.enter('send-s1');
        return;
      case 'send-s1':
      case 'send-sb1':
        if (this.circuit112At < 0) this.circuit112At = this.totalSymbols;
        return;
      case 'connected':
        if (this.rate === 2400) this.startRetrain(true); // the far end asks for a retrain
        return;
    }
  }

  /** Retrain: S1, scrambled ones, and the rate clock from the end of the far S1 (now, when `responding`). */
  private startRetrain(responding: boolean): void {
    this.retrains++;
    this.data.dropCharacter();
    this.pending.clear(); // characters made of the S1 that called for this
    this.sb1At = -1;
    this.training.trainedOnS1 = true;
    this.data.stopReceiving();
    this.rxWide = false;
    this.demod.restart();
    this.demod.adapt = 'train';
    this.circuit112At = responding ? this.totalSymbols : -1;
    this.enter('send-s1');
  }

  /**
   * Fallback to 1200 bit/s (line-quality.ts), asked for by this end's LineQuality or followed from the far end's
   * 1200 bit/s points: scrambled ones at 1200 bit/s, four-point decisions, and V.22's timing to data (§6.3.1.2: the
   * far scrambled ones recognised, data 765 ms later), as a V.22 pair starts. 2400 bit/s is not tried again.
   */
  private startFallback(): void {
    this.fallbacks++;
    this.data.dropCharacter();
    this.pending.clear();
    this.sb1At = -1;
    this.sb1Bits = 0;
    this.training.trainedOnS1 = true;
    this.data.stopReceiving();
    this.rxWide = false;
    this.rate = 1200;
    this.demod.sixteen = false;
    this.demod.adapt = 'train';
    this.circuit112At = -1;
    this.enter('send-sb1');
  }

  private connect(rate: 1200 | 2400): void {
    this.rate = rate;
    this.rxWide = rate === 2400;
    this.demod.sixteen = rate === 2400;
    this.demod.adapt = 'track';
    this.watch.connected();
    this.farFallback.reset();
    this.data.startReceiving();
    this.enter('connected');
  }

  /** Carrier loss (S10), handshake timeout, and the receiver losing the data (retrain, fallback). */
  private watchLine(): void {
    if (this.state === 'carrier-lost') return;
    const judging = this.rate === 2400 && !this.retrainWanted && !this.fallbackWanted;
    const verdict = this.watch.frame(this.frames, this.state === 'connected', this.demod.carrier, judging, this.demod.mseDb);
    if (verdict === 'carrier-lost') this.enter('carrier-lost');
    else if (verdict === 'retrain') this.retrainWanted = true;
    else if (verdict === 'fallback') this.fallbackWanted = true;
  }

  private enter(state: V22bisState): void {
    if (this.state === 'connected' && state !== 'carrier-lost') this.watch.handshakeBegins(this.frames);
    this.state = state;
    this.clock = 0;
    if (state === 'send-usb1' || state === 'await-usb1' || state === 'bell-answer-tone') this.sb1Bits = 0;
  }
}
