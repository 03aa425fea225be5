import type { ByteRing } from '../uart/byte-ring.ts';
import { V42bisDecoder } from './v42bis-decoder.ts';
import { V42bisEncoder } from './v42bis-encoder.ts';
import type { LinkParameters } from './xid.ts';

/**
 * V.42bis for both directions of one link, as P0 says (bit 0: initiator → responder, bit 1: responder → initiator;
 * the initiator is the end that sent the XID command, the originator here). A direction without compression passes
 * octets through unchanged.
 */
export class V42bisLink {
  readonly encoder: V42bisEncoder | null;
  readonly decoder: V42bisDecoder | null;
  private passedOut = 0;

  constructor(p: LinkParameters, initiator: boolean, policy: 'dynamic' | 'always' | 'never' = 'dynamic') {
    const out = initiator ? p.p0 & 1 : p.p0 & 2;
    const inn = initiator ? p.p0 & 2 : p.p0 & 1;
    this.encoder = out ? new V42bisEncoder(p.p1, p.p2, policy) : null;
    this.decoder = inn ? new V42bisDecoder(p.p1, p.p2) : null;
  }

  /** DTE characters taken so far. */
  get dteBytesOut(): number {
    return this.encoder ? this.encoder.charsIn : this.passedOut;
  }

  /** Up to `max` octets for the next I frame, encoding characters from `queue` as needed; null when idle. */
  encode(queue: ByteRing, max: number): Uint8Array | null {
    const e = this.encoder;
    if (!e) {
      if (queue.length === 0) return null;
      const d = queue.take(max);
      this.passedOut += d.length;
      return d;
    }
    while (e.out.length < max && queue.length > 0) e.put(queue.shift());
    if (e.out.length === 0 && e.pending) e.flush();
    return e.out.length > 0 ? e.out.take(max) : null;
  }

  /** Decode an I frame's octets into `rx`; returns the characters delivered. */
  decode(info: Uint8Array, rx: ByteRing): number {
    if (!this.decoder) {
      let n = 0;
      for (let i = 0; i < info.length; i++) if (rx.push(info[i])) n++;
      return n;
    }
    return this.decoder.decode(info, rx);
  }

  takeOverruns(): number {
    const d = this.decoder;
    if (!d) return 0;
    const n = d.overruns;
    d.overruns = 0;
    return n;
  }
}
