import { iFrame, parseFrame, S, sFrame, U, uFrame, type LapmRole, type ParsedFrame } from './lapm-frames.ts';
import { decodeXid, encodeXid, negotiate, V42_DEFAULTS, type LinkParameters } from './xid.ts';

/**
 * LAPM link states (V.42 §8.4–§8.6):
 *   idle → (originator: XID exchange) xid → establishing (SABME sent) → connected → disconnecting → disconnected
 *   answerer: idle → (XID answered, SABME received) connected
 *   any → failed (N400 retries exhausted, DM, or a protocol error it cannot recover from)
 */
export type LapmState = 'idle' | 'xid' | 'establishing' | 'connected' | 'disconnecting' | 'disconnected' | 'failed';

export interface LapmOptions {
  role: LapmRole;
  /** What this end offers (k, N401, V.42bis P0–P2). */
  offer?: LinkParameters;
  /** T401, acknowledgement timer (ms); N400, retries. */
  t401Ms?: number;
  n400?: number;
  /** Data for the next I frame, at most `max` octets; null when there is none. */
  source: (max: number) => Uint8Array | null;
  /** The information field of each I frame received in sequence. */
  sink: (info: Uint8Array) => void;
}

export interface LapmStats {
  iFramesSent: number;
  retransmissions: number;
  iFramesReceived: number;
  rejSent: number;
  srejSent: number;
  timeouts: number;
  linkResets: number;
}

const MOD = 128;
const seqDiff = (a: number, b: number): number => (a - b + MOD) % MOD;

/**
 * The LAPM data link: establishment with XID negotiation, numbered I frames in a window of k, acknowledgement by
 * N(R) in I and S frames, go-back-N recovery by REJ and by T401 polling (RR with P = 1), or selective recovery by
 * SREJ both ways when XID agreed it, flow control by RNR, link reset and disconnect. Pure: frames in by `receive`, frames out by
 * `nextFrame` (the HDLC transmitter asks at each frame boundary), time by `tick`.
 */
export class Lapm {
  state: LapmState = 'idle';
  readonly stats: LapmStats = { iFramesSent: 0, retransmissions: 0, iFramesReceived: 0, rejSent: 0, srejSent: 0, timeouts: 0, linkResets: 0 };
  /** The agreed parameters (V.42 defaults until an XID exchange). */
  params: LinkParameters;
  private busy = false;
  farBusy = false;
  /** Why the link ended, for logs. */
  reason = '';
  readonly role: LapmRole;
  private readonly offer: LinkParameters;
  private readonly t401: number;
  private readonly n400: number;
  private readonly ctrl: Uint8Array[] = [];
  private readonly sent: (Uint8Array | null)[] = new Array<Uint8Array | null>(MOD).fill(null); // info fields by N(S)
  private vs = 0; // next N(S) to send (rewound on REJ)
  private vsMax = 0; // next new N(S)
  private va = 0; // oldest unacknowledged
  private vr = 0; // next expected N(S)
  private ackPending = false;
  private rejSent = false;
  private pollOutstanding = false; // RR/RNR command with P = 1 sent, F = 1 awaited
  private timerMs = -1; // T401 remaining, -1 stopped
  private retries = 0;
  private xidDone = false;
  private srejQueue: number[] = [];
  /** Receiving with SREJ: I frames that came after a gap, kept by N(S) until the gap is filled. */
  private readonly held: (Uint8Array | null)[] = new Array<Uint8Array | null>(MOD).fill(null);
  /** Receiving with SREJ: the N(S) already asked for by SREJ and not yet received. */
  private readonly asked = new Uint8Array(MOD);

  /** Set by the layer above while it cannot take more data: RNR; when cleared, an RR says so (V.42 §8.4.7). */
  get localBusy(): boolean {
    return this.busy;
  }

  set localBusy(b: boolean) {
    if (this.busy && !b) this.ackPending = true;
    this.busy = b;
  }

  constructor(private readonly o: LapmOptions) {
    this.role = o.role;
    this.offer = o.offer ?? V42_DEFAULTS;
    this.params = { ...V42_DEFAULTS, p0: 0 };
    this.t401 = o.t401Ms ?? 1500;
    this.n400 = o.n400 ?? 5;
  }

  /** Begin establishment: the originator sends XID, then SABME; the answerer waits for them. */
  start(): void {
    if (this.role === 'originator') {
      this.state = 'xid';
      this.sendXid();
    } else this.state = 'idle';
  }

  /** Ask the far end to disconnect (DISC); `disconnected` once it answers UA or DM, or after N400 tries. */
  disconnect(): void {
    if (this.state !== 'connected') {
      this.state = 'disconnected';
      return;
    }
    this.state = 'disconnecting';
    this.retries = 0;
    this.ctrl.push(uFrame(this.role, U.DISC, true, true));
    this.timerMs = this.t401;
  }

  /** Octets sent but not yet acknowledged, plus whether anything waits to go: the link is idle when both are 0. */
  get outstanding(): number {
    return seqDiff(this.vsMax, this.va);
  }

  /** The next frame to send, or null for flags. Control frames first, then I frames in the window, then an RR. */
  nextFrame(): Uint8Array | null {
    const c = this.ctrl.shift();
    if (c) return c;
    if (this.state !== 'connected') return null;
    const srej = this.srejQueue.shift();
    if (srej !== undefined && this.sent[srej]) {
      this.stats.retransmissions++;
      return this.iframeOut(srej);
    }
    const i = this.nextIFrame();
    if (i) return i;
    if (this.ackPending) {
      this.ackPending = false;
      return sFrame(this.role, this.localBusy ? S.RNR : S.RR, false, this.vr, false);
    }
    return null;
  }

  private nextIFrame(): Uint8Array | null {
    if (this.farBusy || this.pollOutstanding) return null;
    if (this.vs !== this.vsMax) {
      this.stats.retransmissions++;
      const f = this.iframeOut(this.vs);
      this.vs = (this.vs + 1) % MOD;
      return f;
    }
    if (seqDiff(this.vsMax, this.va) >= this.params.kTx) return null;
    const info = this.o.source(this.params.n401Tx);
    if (!info || info.length === 0) return null;
    this.sent[this.vsMax] = info;
    const f = this.iframeOut(this.vsMax);
    this.vsMax = (this.vsMax + 1) % MOD;
    this.vs = this.vsMax;
    this.stats.iFramesSent++;
    return f;
  }

  private iframeOut(ns: number): Uint8Array {
    this.ackPending = false;
    if (this.timerMs < 0) this.timerMs = this.t401;
    return iFrame(this.role, ns, this.vr, this.sent[ns]!);
  }

  /** Advance the timers by `ms` (the caller's 20 ms frames). */
  tick(ms: number): void {
    if (this.timerMs < 0) return;
    this.timerMs -= ms;
    if (this.timerMs > 0) return;
    this.timerMs = -1;
    this.expired();
  }

  /** T401 ran out (V.42 §8.4.9/§8.5.8): retry up to N400 times, then give up. */
  private expired(): void {
    this.stats.timeouts++;
    if (++this.retries > this.n400) {
      this.reason = `no answer after ${this.n400} retries (${this.state})`;
      if (this.state === 'connected') this.ctrl.push(uFrame(this.role, U.DM, false, false));
      this.state = 'failed';
      return;
    }
    switch (this.state) {
      case 'xid':
        this.sendXid();
        return;
      case 'establishing':
        this.ctrl.push(uFrame(this.role, U.SABME, true, true));
        this.timerMs = this.t401;
        return;
      case 'disconnecting':
        this.ctrl.push(uFrame(this.role, U.DISC, true, true));
        this.timerMs = this.t401;
        return;
      case 'connected':
        // Timer recovery: poll with RR (RNR if busy) P = 1; the F = 1 answer's N(R) says where to resume.
        this.pollOutstanding = true;
        this.ctrl.push(sFrame(this.role, this.localBusy ? S.RNR : S.RR, true, this.vr, true));
        this.timerMs = this.t401;
        return;
    }
  }

  private sendXid(): void {
    this.ctrl.push(uFrame(this.role, U.XID, true, true, encodeXid(this.offer)));
    this.timerMs = this.t401;
  }

  receive(raw: Uint8Array): void {
    const f = parseFrame(this.role, raw);
    switch (f.kind) {
      case 'I':
        return this.onI(f);
      case 'RR':
      case 'RNR':
      case 'REJ':
      case 'SREJ':
        return this.onS(f);
      case 'invalid':
        return;
      default:
        return this.onU(f);
    }
  }

  private onU(f: Extract<ParsedFrame, { info: Uint8Array; kind: keyof typeof U }>): void {
    switch (f.kind) {
      case 'XID':
        return this.onXid(f.command, f.pf, f.info);
      case 'SABME':
        this.resetLink();
        this.ctrl.push(uFrame(this.role, U.UA, false, f.pf));
        if (this.state !== 'connected') this.state = 'connected';
        return;
      case 'UA':
        if (this.state === 'establishing') {
          this.resetLink();
          this.state = 'connected';
        } else if (this.state === 'disconnecting') this.end('disconnected', 'DISC answered');
        return;
      case 'DISC':
        this.ctrl.push(uFrame(this.role, this.state === 'connected' ? U.UA : U.DM, false, f.pf));
        this.end('disconnected', 'far end sent DISC');
        return;
      case 'DM':
        if (this.state === 'disconnecting') this.end('disconnected', 'DM');
        else if (this.state === 'establishing' || this.state === 'connected') this.end('failed', 'far end sent DM');
        return;
      case 'FRMR':
        // V.42 §8.6.1: a frame reject is recovered by resetting the link.
        if (this.state === 'connected') this.reestablish();
        return;
    }
  }

  private onXid(command: boolean, pf: boolean, info: Uint8Array): void {
    const far = decodeXid(info);
    if (command) {
      const agreed = far ? negotiate(this.offer, far) : { ...V42_DEFAULTS };
      this.params = agreed;
      this.xidDone = true;
      // Answer with what was agreed, seen from our side.
      this.ctrl.push(uFrame(this.role, U.XID, false, pf, encodeXid(agreed)));
      return;
    }
    if (this.state !== 'xid') return;
    this.params = far ? negotiate(this.offer, far) : { ...V42_DEFAULTS };
    this.xidDone = true;
    this.establish();
  }

  private establish(): void {
    this.state = 'establishing';
    this.retries = 0;
    this.ctrl.push(uFrame(this.role, U.SABME, true, true));
    this.timerMs = this.t401;
  }

  /** Link reset after an unrecoverable error (V.42 §8.6): SABME again; data in flight are resent by the layers above. */
  private reestablish(): void {
    this.stats.linkResets++;
    this.establish();
  }

  private resetLink(): void {
    this.vs = this.vsMax = this.va = this.vr = 0;
    this.sent.fill(null);
    this.ackPending = this.rejSent = this.pollOutstanding = this.farBusy = false;
    this.timerMs = -1;
    this.retries = 0;
    this.srejQueue = [];
    this.held.fill(null);
    this.asked.fill(0);
    if (!this.xidDone) this.params = { ...V42_DEFAULTS };
  }

  private end(state: 'disconnected' | 'failed', reason: string): void {
    this.state = state;
    this.reason = reason;
    this.timerMs = -1;
  }

  private onI(f: Extract<ParsedFrame, { kind: 'I' }>): void {
    if (this.state !== 'connected') return;
    if (!this.ackUpTo(f.nr)) return;
    if (f.ns === this.vr && !this.localBusy) {
      this.accept(f.info);
      // With SREJ, the frames held after this gap follow it now.
      for (let held = this.held[this.vr]; held; held = this.held[this.vr]) {
        this.held[this.vr] = null;
        this.accept(held);
      }
      this.rejSent = false;
      if (f.pf) this.ctrl.push(sFrame(this.role, S.RR, false, this.vr, true));
      else this.ackPending = true;
      return;
    }
    if (this.localBusy) {
      this.ctrl.push(sFrame(this.role, S.RNR, false, this.vr, f.pf));
      return;
    }
    if (this.params.srej) this.outOfSequenceSrej(f);
    else this.outOfSequenceRej(f);
  }

  /** The I frame numbered V(R), in sequence: to the layer above. */
  private accept(info: Uint8Array): void {
    this.asked[this.vr] = 0;
    this.vr = (this.vr + 1) % MOD;
    this.stats.iFramesReceived++;
    this.o.sink(info);
  }

  /** Go-back-N (V.42 §8.4.5): one REJ per gap, the frame discarded; the sender resends from N(R). */
  private outOfSequenceRej(f: Extract<ParsedFrame, { kind: 'I' }>): void {
    if (!this.rejSent) {
      this.rejSent = true;
      this.stats.rejSent++;
      this.ctrl.push(sFrame(this.role, S.REJ, false, this.vr, f.pf));
    } else if (f.pf) this.ctrl.push(sFrame(this.role, S.RR, false, this.vr, true));
  }

  /**
   * Selective retransmission (agreed by XID, HDLC optional function bit 3): a frame after a gap is kept, and each
   * missing N(S) before it is asked for once by SREJ (single frame); frames already held or already delivered
   * (behind V(R), outside the receive window) are duplicates and dropped.
   */
  private outOfSequenceSrej(f: Extract<ParsedFrame, { kind: 'I' }>): void {
    const ahead = seqDiff(f.ns, this.vr);
    if (ahead < this.params.kRx && !this.held[f.ns]) {
      this.held[f.ns] = f.info;
      for (let n = this.vr; n !== f.ns; n = (n + 1) % MOD) {
        if (this.held[n] || this.asked[n]) continue;
        this.asked[n] = 1;
        this.stats.srejSent++;
        this.ctrl.push(sFrame(this.role, S.SREJ, false, n, false));
      }
    }
    if (f.pf) this.ctrl.push(sFrame(this.role, S.RR, false, this.vr, true));
  }

  private onS(f: Extract<ParsedFrame, { kind: 'RR' | 'RNR' | 'REJ' | 'SREJ' }>): void {
    if (this.state !== 'connected') return;
    if (f.kind === 'SREJ') {
      // Selective reject: resend just that frame; it acknowledges nothing (V.42 §8.4.6).
      if (seqDiff(f.nr, this.va) < seqDiff(this.vsMax, this.va)) this.srejQueue.push(f.nr);
      return;
    }
    if (!this.ackUpTo(f.nr)) return;
    this.farBusy = f.kind === 'RNR';
    if (f.command && f.pf) this.ctrl.push(sFrame(this.role, this.localBusy ? S.RNR : S.RR, false, this.vr, true));
    if (!f.command && f.pf && this.pollOutstanding) {
      this.pollOutstanding = false;
      this.retries = 0;
      this.vs = f.nr; // resume with the first frame the far end lacks
      this.timerMs = this.va === this.vsMax ? -1 : this.t401;
    } else if (f.kind === 'REJ') {
      this.vs = f.nr;
    }
    if (this.farBusy && this.timerMs < 0) this.timerMs = this.t401; // poll a busy peer now and then
  }

  /** Take N(R) as the acknowledgement of every frame before it. False (and a link reset) when it is impossible. */
  private ackUpTo(nr: number): boolean {
    if (seqDiff(nr, this.va) > seqDiff(this.vsMax, this.va)) {
      this.reason = `N(R) ${nr} outside ${this.va}..${this.vsMax}`;
      this.reestablish();
      return false;
    }
    if (nr === this.va) return true;
    while (this.va !== nr) {
      this.sent[this.va] = null;
      this.va = (this.va + 1) % MOD;
    }
    if (seqDiff(this.vsMax, this.vs) > seqDiff(this.vsMax, this.va)) this.vs = this.va; // never resend what is acknowledged
    if (!this.pollOutstanding) {
      this.retries = 0;
      this.timerMs = this.va === this.vsMax ? -1 : this.t401;
    }
    return true;
  }
}
