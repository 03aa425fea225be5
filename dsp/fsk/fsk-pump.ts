import { dbm0ToPeak, FRAME_SAMPLES, SAMPLE_RATE } from '../q15.ts';
import { Nco } from '../nco.ts';
import type { ReceiverTap } from '../tap.ts';
import { AsyncDeframer } from '../uart/async-deframer.ts';
import { AsyncFramer } from '../uart/async-framer.ts';
import type { BitDecider, ByteSink, CharFormat } from '../uart/bit-source.ts';
import { FORMAT_8N1 } from '../uart/bit-source.ts';
import { ByteRing } from '../uart/byte-ring.ts';
import { FskDemodulator } from './fsk-demodulator.ts';
import { FskModulator } from './fsk-modulator.ts';
import { SoftCarrier, SoftTurnOffDetector } from './soft-carrier.ts';
import type { FskMode } from './specs.ts';
import { TonePresence } from './tone-presence.ts';

export type Role = 'caller' | 'answerer';

/** Handshake and data states, named as they appear in logs and telemetry. */
export type PumpState =
  | 'answer-tone' // answerer: sending 2100/2225 Hz
  | 'answer-silence' // answerer: the gap before its carrier
  | 'await-answer-tone' // caller: listening for the answer tone
  | 'await-carrier' // both: waiting for the far carrier to hold for the detect time
  | 'connected'
  | 'carrier-lost';

export interface PumpTimings {
  /** Answer tone duration: V.25 §4.2: 3.3 s ± 0.7 s. */
  answerToneMs: number;
  /** V.25 §4.2: 75 ± 20 ms of silence between the answer tone and the data carrier. */
  answerSilenceMs: number;
  /** Far carrier must hold this long before connecting (S9, in 1/10 s on a Hayes modem). */
  carrierDetectMs: number;
  /** Carrier may vanish this long before the call is dropped (S10). */
  carrierLossMs: number;
  /** Transmit level, dBm0. */
  txLevelDbm0: number;
}

export const DEFAULT_TIMINGS: PumpTimings = {
  answerToneMs: 3300,
  answerSilenceMs: 75,
  carrierDetectMs: 600,
  carrierLossMs: 1400,
  txLevelDbm0: -10,
};

const FRAME_MS = (FRAME_SAMPLES * 1000) / SAMPLE_RATE;
/** The received decisions wait two frames before the deframer reads them (see `delayed`, `delayed2`). */
const DECISION_DELAY = 2 * FRAME_SAMPLES;

/**
 * An FSK data pump for one call: the V.25 answer sequence, carrier detection, then async characters both ways.
 * Driven one 20 ms frame at a time; bytes to send go into `tx`, received bytes come out of `rx`.
 */
export class FskDataPump {
  state: PumpState;
  readonly tx: AsyncFramer;
  readonly rx: ByteRing;
  private readonly mod: FskModulator;
  private readonly demod: FskDemodulator;
  private readonly deframer: AsyncDeframer;
  private readonly decider: BitDecider | undefined; // the demodulator's sequence decisions, where they help
  private readonly toneNco: Nco;
  private readonly toneAmp: number;
  private readonly toneHeard: TonePresence;
  private stateMs = 0;
  private carrierMs = 0;
  private lostMs = 0;
  private heardToneMs = 0;
  private halfDuplexTxMs = 0; // Bell 202: how long we have held the line after our last character
  private leadInMs = 0;
  private carrierUp = false; // Bell 202: our carrier is on (a burst, or its turn-off frame to come)
  private readonly soft = new SoftCarrier();
  // Bell 202 receive squelch: the far end's soft turn-off heard at this sample (demodulator count); -1: not heard.
  private readonly turnOff: SoftTurnOffDetector | null;
  private squelchFrom = -1;
  // Decisions wait two frames: carrier detect can take that long to see a far carrier stop, and the noise after it
  // must not become characters.
  private readonly delayed = new Uint8Array(FRAME_SAMPLES);
  private readonly delayed2 = new Uint8Array(FRAME_SAMPLES);
  private prevCarrier = false;
  private prevCarrier2 = false;
  private readonly toneIsCarrier: boolean; // Bell 103: the answer tone is the answer channel's mark
  private readonly sink: ByteSink;
  overruns = 0;
  framingErrors = 0;

  constructor(
    readonly mode: FskMode,
    readonly role: Role,
    readonly timings: PumpTimings = DEFAULT_TIMINGS,
    format: CharFormat = FORMAT_8N1,
  ) {
    const txCh = role === 'caller' ? mode.caller : mode.answerer;
    const rxCh = role === 'caller' ? mode.answerer : mode.caller;
    this.mod = new FskModulator(txCh, timings.txLevelDbm0);
    this.demod = new FskDemodulator(rxCh, {
      carrierOnDbm0: mode.carrierOnDbm0,
      carrierOffDbm0: mode.carrierOffDbm0,
      carrierOffBlocks: mode.halfDuplex ? 1 : 2,
      maxBlock: FRAME_SAMPLES,
      delay: DECISION_DELAY,
    });
    this.decider = this.demod.sequenceDetection ? this.demod : undefined;
    this.deframer = new AsyncDeframer(SAMPLE_RATE / rxCh.baud, format);
    this.tx = new AsyncFramer(format, 4096);
    this.rx = new ByteRing(4096);
    this.toneNco = new Nco(mode.answerToneHz);
    this.toneAmp = Math.round(dbm0ToPeak(timings.txLevelDbm0));
    this.toneHeard = new TonePresence(mode.answerToneHz);
    this.toneIsCarrier = mode.answerToneHz === mode.answerer.markHz;
    this.turnOff = mode.halfDuplex ? new SoftTurnOffDetector(mode.carrierOnDbm0) : null;
    this.state = role === 'answerer' ? 'answer-tone' : 'await-answer-tone';
    this.sink = {
      putByte: (b) => {
        if (!this.rx.push(b)) this.overruns++;
      },
      framingError: () => {
        this.framingErrors++;
      },
    };
  }

  get carrier(): boolean {
    return this.demod.carrier;
  }

  get rxLevelDbm0(): number {
    return this.demod.levelDbm0;
  }

  /** DataPump.setTap: mark and space energies (the two-tone plot). */
  setTap(tap: ReceiverTap | null): void {
    if (tap) tap.kind = 'tones';
    this.demod.tap = tap;
  }

  /** The rate this end receives at: what a Hayes modem reports in CONNECT. */
  get connectRate(): number {
    return this.mode.connectRate;
  }

  /** One frame: demodulate `rxAudio`, write this end's `txAudio`. */
  process(rxAudio: Int16Array, txAudio: Int16Array): void {
    // Bell 103: the answer tone is our own mark, so the originate channel is heard from the start (a caller may take
    // the tone as our carrier and send at once).
    const hearsCaller = this.toneIsCarrier && (this.state === 'answer-tone' || this.state === 'answer-silence');
    this.receive(rxAudio, this.state === 'connected' || this.state === 'await-carrier' || hearsCaller);
    this.stateMs += FRAME_MS;
    switch (this.state) {
      case 'answer-tone':
        this.toneNco.generate(txAudio, FRAME_SAMPLES, this.toneAmp);
        if (this.stateMs >= this.timings.answerToneMs) this.enter('answer-silence');
        return;
      case 'answer-silence':
        txAudio.fill(0, 0, FRAME_SAMPLES);
        if (this.stateMs >= this.timings.answerSilenceMs) this.enter('await-carrier');
        return;
      case 'await-answer-tone':
        txAudio.fill(0, 0, FRAME_SAMPLES);
        this.listenForAnswerTone(rxAudio);
        return;
      case 'await-carrier':
        this.sendCarrier(txAudio, false);
        if (this.mode.halfDuplex || this.carrierMs >= this.timings.carrierDetectMs) this.enter('connected');
        return;
      case 'connected':
        this.sendCarrier(txAudio, true);
        this.watchCarrier();
        return;
      case 'carrier-lost':
        txAudio.fill(0, 0, FRAME_SAMPLES);
        return;
    }
  }

  /**
   * Receive one frame without transmitting or moving the handshake on, listening for characters as in
   * 'await-carrier'. An automode answerer (dsp/automode-pump.ts) keeps the pumps it may hand the call to listening
   * this way until it knows the caller, so that carrier detect (with its noise floor), the decision delay and the
   * deframer are running when the caller's first characters come; what they decode before the handover is dropped
   * (`discardReceived`).
   */
  listenAhead(rxAudio: Int16Array): void {
    this.receive(rxAudio, true);
  }

  /**
   * Caller: the far end's answer sequence is over (a calling automode modem, dsp/automode-caller.ts, heard it while
   * this pump listened ahead): send this end's carrier and connect once the far carrier has held S9 from now.
   */
  originate(): void {
    if (this.role !== 'caller' || this.state !== 'await-answer-tone') return;
    this.enter('await-carrier');
    this.carrierMs = 0;
  }

  /** Forget the characters received so far (and their error counts): noise or a carrier not yet ours. */
  discardReceived(): void {
    this.rx.clear();
    this.overruns = 0;
    this.framingErrors = 0;
  }

  /** Demodulate a frame; `open`: the handshake lets characters through (circuit 104 is not clamped to mark). */
  private receive(rxAudio: Int16Array, open: boolean): void {
    this.demod.process(rxAudio, FRAME_SAMPLES);
    // Received data is clamped to mark while the carrier is off (V.21 §5: circuit 104 clamped when 109 is off).
    const carrier = this.demod.carrier;
    // Half duplex: no listening while we talk (a Bell 202 data set squelches its receiver; the line only carries
    // our own echo and noise then), nor to the frame held back from then.
    const talking = this.mode.halfDuplex && (this.halfDuplexTxMs > 0 || this.carrierUp);
    this.squelch(rxAudio, carrier, talking);
    const first = (this.demod.samples - FRAME_SAMPLES - DECISION_DELAY) | 0; // delayed2's first sample
    // Squelched: decisions up to the far end's turn-off tone still count (its last characters), none after it.
    const n = this.squelchFrom < 0 ? FRAME_SAMPLES : Math.max(0, Math.min(FRAME_SAMPLES, (this.squelchFrom - first) | 0));
    if (open && !talking && carrier && this.prevCarrier && this.prevCarrier2 && n > 0) {
      this.deframer.process(this.delayed2, n, this.sink, this.decider, first);
      if (n < FRAME_SAMPLES) this.deframer.reset();
    } else if (!carrier || talking || n === 0) this.deframer.reset();
    this.delayed2.set(this.delayed);
    this.delayed.set(this.demod.decisions.subarray(0, FRAME_SAMPLES));
    this.prevCarrier2 = this.prevCarrier;
    this.prevCarrier = carrier && !talking;
    this.carrierMs = carrier ? this.carrierMs + FRAME_MS : 0;
  }

  /**
   * Bell 202 receive squelch: once the far end's soft carrier turn-off (900 Hz) is heard, nothing it is followed by
   * becomes a character, until the carrier has gone and comes back (the next burst). Without a turn-off from the far
   * end, carrier detect and the decision delay do the same when the carrier stops.
   */
  private squelch(rxAudio: Int16Array, carrier: boolean, talking: boolean): void {
    if (!this.turnOff) return;
    // Cleared only once the decisions held back (DECISION_DELAY) are past the turn-off too.
    if (this.squelchFrom >= 0 && !carrier && !this.prevCarrier && !this.prevCarrier2) this.squelchFrom = -1;
    if (talking || this.squelchFrom >= 0 || !carrier) return;
    const at = this.turnOff.process(rxAudio);
    if (at >= 0) this.squelchFrom = (this.demod.samples - FRAME_SAMPLES + at) | 0;
  }

  /** Caller: the answer tone must be heard for 0.5 s and then end; a far carrier without one is accepted too. */
  private listenForAnswerTone(rxAudio: Int16Array): void {
    const tone = this.toneHeard.process(rxAudio);
    if (tone) this.heardToneMs += FRAME_MS;
    // Bell 103: a Bell answerer's 2225 Hz tone need not end: it goes on as its carrier (its mark). Heard past the
    // longest V.25 answer tone (3.3 s + 0.7 s), it is taken as the carrier.
    const toneDone = this.heardToneMs >= 500 && (!tone || (this.toneIsCarrier && this.heardToneMs >= 4000));
    if (toneDone || (this.heardToneMs === 0 && this.carrierMs >= this.timings.carrierDetectMs)) {
      this.enter('await-carrier');
      this.carrierMs = 0;
    }
  }

  private sendCarrier(txAudio: Int16Array, data: boolean): void {
    if (!this.mode.halfDuplex) {
      this.mod.process(txAudio, FRAME_SAMPLES, data ? this.tx : MARK);
      return;
    }
    // Half duplex: transmit only with something to send and the line free; hold mark 60 ms after the last character.
    const talking = this.halfDuplexTxMs > 0 || this.carrierUp;
    if (data && this.tx.busy && (talking || !this.demod.carrier)) {
      if (!talking) this.leadInMs = 60; // mark before the first start bit, so the far receiver settles
      this.halfDuplexTxMs = 60;
    }
    if (this.halfDuplexTxMs > 0) {
      const lead = this.leadInMs > 0;
      this.mod.process(txAudio, FRAME_SAMPLES, lead ? MARK : this.tx);
      if (!this.carrierUp) this.soft.onset(txAudio);
      this.carrierUp = true;
      if (lead) this.leadInMs -= FRAME_MS;
      if (!this.tx.busy) this.halfDuplexTxMs -= FRAME_MS;
    } else if (this.carrierUp) {
      // The burst's end: Bell 202's soft carrier turn-off (soft-carrier.ts) rather than a carrier cut off.
      this.soft.turnOff(txAudio, this.mod);
      this.carrierUp = false;
      this.mod.reset();
    } else {
      txAudio.fill(0, 0, FRAME_SAMPLES);
      this.mod.reset();
    }
  }

  private watchCarrier(): void {
    if (this.mode.halfDuplex) return;
    this.lostMs = this.demod.carrier ? 0 : this.lostMs + FRAME_MS;
    if (this.lostMs >= this.timings.carrierLossMs) this.enter('carrier-lost');
  }

  private enter(state: PumpState): void {
    this.state = state;
    this.stateMs = 0;
  }
}

const MARK = { nextBit: () => 1 };
