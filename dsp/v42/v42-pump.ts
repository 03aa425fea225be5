import type { DataPump, PumpLineStats, PumpRole } from '../pump.ts';
import type { ReceiverTap } from '../tap.ts';
import { AsyncBitDeframer } from '../uart/async-bits.ts';
import { AsyncFramer } from '../uart/async-framer.ts';
import { ByteRing } from '../uart/byte-ring.ts';
import { ADP_BITS, ODP_BITS, PatternDetector, PatternSender } from './detection.ts';
import { HdlcReceiver, HdlcTransmitter } from './hdlc.ts';
import { Lapm, type LapmStats } from './lapm.ts';
import { V42bisLink } from './v42bis-link.ts';
import { V42_DEFAULTS, type LinkParameters } from './xid.ts';

/**
 * A pump whose data bits can be taken over: the QAM pump's synchronous interface (V22bisDataPump.syncData). A pump
 * whose syncData reads null once it connects (the automode answerer carrying an FSK call) has none: V.42 then passes
 * the call's bytes through as they are.
 */
export type SyncCapablePump = DataPump & { syncData: { nextBit(): number; putBit(bit: number): void } | null };

export interface V42Options {
  /** 'auto': fall back to a normal (buffered) connection when the far end has no V.42; 'required': hang up. */
  errorControl: 'auto' | 'required';
  /** Offer V.42bis, with this dictionary size (P1) and string length (P2). */
  compression: boolean;
  p1?: number;
  p2?: number;
  /** V.42bis encoder's choice of mode: 'dynamic' (the compressibility test, default), or always one mode. */
  v42bisPolicy?: 'dynamic' | 'always' | 'never';
  /** V.42 T400 (detection), T401 (acknowledgement), N400 (retries). */
  t400Ms?: number;
  t401Ms?: number;
  n400?: number;
  k?: number;
  n401?: number;
  /** Offer selective retransmission (SREJ) in XID (default yes); used only when the far end offers it too. */
  srej?: boolean;
}

/** The transmit side as DataPump shows it: the DTE bytes' queue, busy until they are all acknowledged. */
class TxSide {
  constructor(
    readonly queue: ByteRing,
    private readonly isBusy: () => boolean,
  ) {}

  get busy(): boolean {
    return this.isBusy();
  }
}

/** The connection's protocol once the detection phase is over. */
export type V42Mode = 'lapm' | 'normal' | 'none';

export interface V42Stats extends LapmStats {
  framesReceived: number;
  badFcs: number;
  /** V.42bis: octets from/to the DTE and octets in I frames, each way. */
  dteBytesOut: number;
  lineBytesOut: number;
  dteBytesIn: number;
  lineBytesIn: number;
}

type Phase = 'modem' | 'detect' | 'adp' | 'lapm-setup' | 'data' | 'over';

const FRAME_MS = 20;
/** After the link ends, the carrier stays this long so that the last UA or DM frame is sent. */
const CLOSING_MS = 200;

/** Local busy (RNR) while the bytes for the DTE leave less room than this. */
const BUSY_ROOM = 8192;

/**
 * V.42 error control (and V.42bis compression) between a synchronous modem pump and the DTE, presenting the same
 * byte interface as any DataPump. After the modem connects: the detection phase (ODP/ADP, V.42 §8.2), then LAPM
 * over HDLC (V.42 §8), or a normal async connection when the far end does not answer the detection phase.
 */
export class V42DataPump implements DataPump {
  readonly tx: { readonly queue: ByteRing; readonly busy: boolean };
  readonly rx = new ByteRing(65536);
  mode: V42Mode = 'none';
  /** V.42bis in use (negotiated P0 not 0). */
  compressing = false;
  overruns = 0;
  readonly lapm: Lapm;
  private phase: Phase = 'modem';
  private phaseMs = 0;
  private readonly odp = new PatternSender(ODP_BITS);
  private readonly adp = new PatternSender(ADP_BITS);
  private readonly odpSeen = PatternDetector.odp();
  private readonly adpSeen = PatternDetector.adp();
  private readonly hdlcTx: HdlcTransmitter;
  private readonly hdlcRx: HdlcReceiver;
  private readonly framer = new AsyncFramer(undefined, 8192);
  /** DTE bytes to send: the async framer's queue, which LAPM takes from instead once it is up. */
  private readonly queue = this.framer.queue;
  private readonly deframer: AsyncBitDeframer;
  private bis: V42bisLink | null = null;

  /** The V.42bis of this link (both directions' encoder and decoder), once negotiated. */
  get v42bis(): V42bisLink | null {
    return this.bis;
  }
  private farReady = false; // the originator has recognised ADP
  private readonly t400: number;
  private dteOut = 0;
  private lineOut = 0;
  private dteIn = 0;
  private lineIn = 0;

  constructor(
    private readonly inner: SyncCapablePump,
    private readonly o: V42Options,
  ) {
    this.tx = new TxSide(this.queue, () => this.queue.length > 0 || this.lapm.outstanding > 0 || this.framer.busy || (this.direct && this.inner.tx.busy));
    this.t400 = o.t400Ms ?? 750;
    const offer: LinkParameters = {
      ...V42_DEFAULTS,
      kTx: o.k ?? 15,
      kRx: o.k ?? 15,
      n401Tx: o.n401 ?? 128,
      n401Rx: o.n401 ?? 128,
      p0: o.compression ? 3 : 0,
      p1: o.p1 ?? 2048,
      p2: o.p2 ?? 32,
      srej: o.srej ?? true,
    };
    this.lapm = new Lapm({
      role: inner.role === 'caller' ? 'originator' : 'answerer',
      offer,
      t401Ms: o.t401Ms,
      n400: o.n400,
      source: (max) => this.source(max),
      sink: (info) => this.sink(info),
    });
    this.hdlcTx = new HdlcTransmitter(() => this.lapm.nextFrame());
    this.hdlcRx = new HdlcReceiver((f) => this.lapm.receive(f));
    this.deframer = new AsyncBitDeframer({ putByte: (b) => (this.rx.push(b) ? undefined : void this.overruns++) });
    inner.syncData = { nextBit: () => this.nextBit(), putBit: (b) => this.putBit(b) };
  }

  get role(): PumpRole {
    return this.inner.role;
  }

  /** The modem's state during its handshake, then the V.42 phases, then 'connected' / 'carrier-lost'. */
  get state(): string {
    switch (this.phase) {
      case 'modem':
        return this.inner.state === 'connected' ? 'v42-detect' : this.inner.state;
      case 'detect':
      case 'adp':
        return 'v42-detect';
      case 'lapm-setup':
        return 'lapm-setup';
      case 'data':
        return this.inner.state === 'connected' ? 'connected' : this.inner.state === 'carrier-lost' ? 'carrier-lost' : 'connected';
      case 'over':
        return 'carrier-lost';
    }
  }

  get carrier(): boolean {
    return this.inner.carrier;
  }

  get connectRate(): number {
    return this.inner.connectRate;
  }

  get rxLevelDbm0(): number {
    return this.inner.rxLevelDbm0;
  }

  /** The modem's line figures and receiver tap (dsp/pump.ts), for telemetry and the panel. */
  get lineStats(): PumpLineStats | undefined {
    return this.inner.lineStats;
  }

  get retrains(): number | undefined {
    return this.inner.retrains;
  }

  setTap(tap: ReceiverTap | null): void {
    this.inner.setTap?.(tap);
  }

  get framingErrors(): number {
    return this.direct ? this.inner.framingErrors : this.deframer.framingErrors;
  }

  /** The inner modem pump (retrains, line figures). */
  get modem(): SyncCapablePump {
    return this.inner;
  }

  /** What the link reports for ATI and the call record. */
  get stats(): V42Stats {
    const rx = this.hdlcRx.stats;
    return {
      ...this.lapm.stats,
      framesReceived: rx.frames,
      badFcs: rx.badFcs,
      dteBytesOut: this.dteOut,
      lineBytesOut: this.lineOut,
      dteBytesIn: this.dteIn,
      lineBytesIn: this.lineIn,
    };
  }

  /** The agreed link parameters (k, N401, P0–P2). */
  get params(): LinkParameters {
    return this.lapm.params;
  }

  /** Why the error-corrected link ended or was not set up, for the log. */
  reason = '';
  private releaseMs = 0;
  private closingMs = CLOSING_MS;
  /** The modem has no synchronous data (an FSK call): the DTE's bytes go to its own queues and back unchanged. */
  private direct = false;

  process(rxAudio: Int16Array, txAudio: Int16Array): void {
    if (this.direct) moveBytes(this.queue, this.inner.tx.queue);
    this.inner.process(rxAudio, txAudio);
    if (this.direct) moveBytes(this.inner.rx, this.rx);
    if (this.inner.state === 'carrier-lost') {
      this.phase = 'over';
      return;
    }
    this.phaseMs += FRAME_MS;
    switch (this.phase) {
      case 'modem':
        if (this.inner.state !== 'connected') return;
        if (this.inner.syncData !== null) this.enter('detect');
        else this.passThrough();
        return;
      case 'detect':
        if (this.phaseMs >= this.t400 * (this.role === 'caller' ? 1 : 2)) this.noV42('no answer to the detection phase');
        return;
      case 'adp':
        return;
      case 'lapm-setup':
        this.lapm.tick(FRAME_MS);
        if (this.lapm.state === 'connected') this.linkUp();
        else if (this.lapm.state === 'failed' || this.lapm.state === 'disconnected') this.noV42(`LAPM not established: ${this.lapm.reason}`);
        return;
      case 'data':
        this.lapm.localBusy = this.mode === 'lapm' && this.rx.free < BUSY_ROOM;
        if (this.mode !== 'lapm') return;
        this.lapm.tick(FRAME_MS);
        if (this.lapm.state === 'disconnecting') this.releaseMs -= FRAME_MS;
        if (this.lapm.state === 'failed' || this.lapm.state === 'disconnected') {
          this.reason = `LAPM ended: ${this.lapm.reason}`;
          // The answer to a DISC (UA, or DM) still goes out before the line is let go.
          this.closingMs -= FRAME_MS;
          if (this.closingMs <= 0) this.phase = 'over';
        }
        return;
    }
  }

  /**
   * Hang up cleanly (V.42 §8.5.4): DISC to the far end, sent within the next frames; `released` says when the
   * carrier may go: UA or DM came back, or T401 passed without an answer.
   */
  disconnect(): void {
    if (!this.carryingData) return;
    this.lapm.disconnect();
    this.releaseMs = this.o.t401Ms ?? 1500;
  }

  /** The LAPM link is up and carrying data. */
  get carryingData(): boolean {
    return this.phase === 'data' && this.mode === 'lapm' && this.lapm.state === 'connected';
  }

  /** After disconnect(): the far end answered the DISC (UA or DM), or T401 passed, or the link or line ended. */
  get released(): boolean {
    return this.releaseMs <= 0 || this.phase === 'over' || this.lapm.state !== 'disconnecting';
  }

  private enter(phase: Phase): void {
    this.phase = phase;
    this.phaseMs = 0;
    if (phase === 'lapm-setup') this.lapm.start();
  }

  private linkUp(): void {
    this.mode = 'lapm';
    this.rx.clear(); // what the detection phase made of ODP/ADP as characters
    const p = this.lapm.params;
    this.compressing = p.p0 !== 0;
    if (this.compressing) this.bis = new V42bisLink(p, this.lapm.role === 'originator', this.o.v42bisPolicy);
    this.phase = 'data';
  }

  /** No synchronous data to run V.42 over: a normal connection carried by the modem's own async framing. */
  private passThrough(): void {
    this.noV42('V.42 is not offered over this modulation');
    this.direct = this.phase === 'data';
  }

  private noV42(reason: string): void {
    this.reason = reason;
    if (this.o.errorControl === 'required') {
      this.phase = 'over';
      return;
    }
    this.mode = 'normal';
    this.phase = 'data';
  }

  private nextBit(): number {
    switch (this.phase) {
      case 'detect':
        if (this.role === 'answerer') return 1;
        // V.42 §8.2.1: the originator stops ODP after a whole sequence once it has recognised ADP.
        if (this.farReady && this.odp.atBoundary) {
          this.enter('lapm-setup');
          return this.hdlcTx.nextBit();
        }
        return this.odp.nextBit();
      case 'adp': {
        const b = this.adp.nextBit();
        // V.42 §8.2.2: ADP at least 10 times, then LAPM (flags) at a sequence boundary.
        if (this.adp.atBoundary && this.adp.sequences >= 10) this.enter('lapm-setup');
        return b;
      }
      case 'lapm-setup':
        return this.hdlcTx.nextBit();
      case 'data':
        return this.mode === 'lapm' ? this.hdlcTx.nextBit() : this.framer.nextBit();
      default:
        return 1;
    }
  }

  private putBit(bit: number): void {
    switch (this.phase) {
      case 'modem':
      case 'detect':
      case 'adp':
        this.detect(bit);
        return;
      case 'lapm-setup':
        this.hdlcRx.putBit(bit);
        return;
      case 'data':
        if (this.mode === 'lapm') this.hdlcRx.putBit(bit);
        else this.deframer.putBit(bit);
        return;
    }
  }

  private detect(bit: number): void {
    // A far end without V.42 may start its data now: kept, in case the detection phase fails.
    this.deframer.putBit(bit);
    this.hdlcRx.putBit(bit); // a far end that skips detection starts with flags and XID/SABME
    if (this.role === 'caller') {
      this.adpSeen.putBit(bit);
      if (this.adpSeen.sequences >= 2 || this.hdlcRx.stats.frames > 0) this.farReady = true;
      return;
    }
    this.odpSeen.putBit(bit);
    if (this.phase === 'detect' && this.odpSeen.sequences >= 2) this.enter('adp');
    if (this.phase !== 'lapm-setup' && this.hdlcRx.stats.frames > 0) this.enter('lapm-setup');
  }

  /** LAPM asks for the next I frame's data: straight from the DTE queue, or through the V.42bis encoder. */
  private source(max: number): Uint8Array | null {
    if (this.phase !== 'data') return null;
    if (this.bis) {
      const out = this.bis.encode(this.queue, max);
      if (out) {
        this.lineOut += out.length;
        this.dteOut = this.bis.dteBytesOut;
      }
      return out;
    }
    if (this.queue.length === 0) return null;
    const out = this.queue.take(max);
    this.dteOut += out.length;
    this.lineOut += out.length;
    return out;
  }

  private sink(info: Uint8Array): void {
    this.lineIn += info.length;
    if (this.bis) {
      const n = this.bis.decode(info, this.rx);
      this.dteIn += n;
      this.overruns += this.bis.takeOverruns();
      return;
    }
    for (let i = 0; i < info.length; i++) if (!this.rx.push(info[i])) this.overruns++;
    this.dteIn += info.length;
  }
}

/** As many bytes as `to` has room for, from `from` (no allocation: a frame's worth at a time at most). */
function moveBytes(from: ByteRing, to: ByteRing): void {
  while (from.length > 0 && to.free > 0) to.push(from.shift());
}
