import { CRC16_GOOD, CRC16_INIT, CRC32_GOOD, CRC32_INIT, crc16Update, crc32Update, fcs16, fcs32, type FcsLength } from './crc.ts';

/** The HDLC flag (ISO 3309 §3.1): 0111 1110, sent between and around frames. */
export const FLAG = 0x7e;

/**
 * HDLC transmitter (ISO 3309, V.42 §8.1.1): each frame is sent as address/control/information octets LSB first, its
 * FCS, and a zero inserted after every five consecutive ones; flags fill the time between frames. Frames come from
 * `nextFrame` at each flag boundary, so the link layer decides what to send as late as possible.
 */
export class HdlcTransmitter {
  fcsBits: FcsLength = 16;
  framesSent = 0;
  private buf = new Uint8Array(2100);
  private len = 0;
  private pos = 0; // octet being sent
  private bitInOctet = 0;
  private ones = 0;
  private flagBits = 8; // bits of the flag still to send (every frame opens with one)
  private inFrame = false;
  private abortBits = 0;

  constructor(private readonly nextFrame: () => Uint8Array | null) {}

  /** Send an abort (seven or more ones, ISO 3309 §3.4.1) in place of the rest of the frame being sent. */
  abort(): void {
    if (this.inFrame) {
      this.inFrame = false;
      this.abortBits = 8;
      this.flagBits = 8;
      this.pendingZero = false;
    }
  }

  nextBit(): number {
    if (this.abortBits > 0) {
      this.abortBits--;
      return 1;
    }
    if (this.flagBits > 0) return this.flagBit();
    if (!this.inFrame && !this.load()) {
      this.flagBits = 8;
      return this.flagBit();
    }
    if (this.ones === 5) {
      this.ones = 0;
      return 0; // zero-bit insertion
    }
    const bit = (this.buf[this.pos] >> this.bitInOctet) & 1;
    this.ones = bit ? this.ones + 1 : 0;
    if (++this.bitInOctet === 8) {
      this.bitInOctet = 0;
      if (++this.pos === this.len) this.finishFrame();
    }
    return bit;
  }

  private finishFrame(): void {
    if (this.ones === 5) {
      // The last stuffed zero must still go out before the closing flag: send it through the flag path's first bit.
      this.ones = 0;
      this.pendingZero = true;
    }
    this.inFrame = false;
    this.framesSent++;
    this.flagBits = 8;
  }

  private pendingZero = false;

  private flagBit(): number {
    if (this.pendingZero) {
      this.pendingZero = false;
      return 0;
    }
    const bit = (FLAG >> (8 - this.flagBits)) & 1;
    this.flagBits--;
    return bit;
  }

  private load(): boolean {
    const f = this.nextFrame();
    if (!f || f.length === 0) return false;
    const n = f.length + this.fcsBits / 8;
    if (this.buf.length < n) this.buf = new Uint8Array(n);
    this.buf.set(f, 0);
    if (this.fcsBits === 16) {
      const c = fcs16(f);
      this.buf[f.length] = c & 0xff;
      this.buf[f.length + 1] = c >>> 8;
    } else {
      const c = fcs32(f);
      for (let k = 0; k < 4; k++) this.buf[f.length + k] = (c >>> (8 * k)) & 0xff;
    }
    this.len = n;
    this.pos = 0;
    this.bitInOctet = 0;
    this.ones = 0;
    this.inFrame = true;
    return true;
  }
}

export interface HdlcReceiverStats {
  frames: number;
  badFcs: number;
  aborts: number;
  /** Frames too short or not a whole number of octets. */
  invalid: number;
}

/**
 * HDLC receiver: finds flags, removes inserted zeros, checks the FCS, and hands each good frame (without its FCS)
 * to `onFrame`. Seven ones abort the frame in progress; frames longer than `maxLength` are discarded.
 */
export class HdlcReceiver {
  fcsBits: FcsLength = 16;
  readonly stats: HdlcReceiverStats = { frames: 0, badFcs: 0, aborts: 0, invalid: 0 };
  private readonly buf: Uint8Array;
  private len = 0;
  private octet = 0;
  private bits = 0;
  private ones = 0;
  private synced = false; // a flag has been seen since the last abort
  private overflow = false;

  constructor(
    private readonly onFrame: (frame: Uint8Array) => void,
    maxLength = 2100,
  ) {
    this.buf = new Uint8Array(maxLength + 4);
  }

  /** Flags seen recently (for the caller's idea of whether an HDLC peer is there). */
  flags = 0;

  putBit(bit: number): void {
    if (bit) {
      if (++this.ones >= 7) {
        if (this.ones === 7 && this.synced && this.len + this.bits > 0) this.stats.aborts++;
        this.synced = false;
        this.restart();
      }
      if (this.synced) this.shiftIn(1);
      return;
    }
    const run = this.ones;
    this.ones = 0;
    if (run === 5) return; // an inserted zero
    if (run === 6) {
      this.flags++;
      if (this.synced) this.endFrame();
      this.synced = true;
      this.restart();
      return;
    }
    if (this.synced) this.shiftIn(0);
  }

  private shiftIn(bit: number): void {
    this.octet |= bit << this.bits;
    if (++this.bits < 8) return;
    if (this.len < this.buf.length) this.buf[this.len++] = this.octet;
    else this.overflow = true;
    this.octet = 0;
    this.bits = 0;
  }

  private restart(): void {
    this.len = 0;
    this.octet = 0;
    this.bits = 0;
    this.overflow = false;
  }

  private endFrame(): void {
    // The flag's own first six bits (0111111 less the final 0) were shifted in as data: take them back out.
    // A flag is 0 then six ones: the leading 0 and five ones made it into the buffer before the sixth one, which
    // was shifted too; 7 bits in all.
    let bitCount = this.len * 8 + this.bits - 7;
    if (bitCount === 0) return; // back-to-back flags
    const fcsOctets = this.fcsBits / 8;
    if (this.overflow || bitCount % 8 !== 0 || bitCount / 8 < 2 + fcsOctets) {
      this.stats.invalid++;
      return;
    }
    bitCount /= 8;
    const good =
      this.fcsBits === 16 ? crc16Update(CRC16_INIT, this.buf, 0, bitCount) === CRC16_GOOD : crc32Update(CRC32_INIT, this.buf, 0, bitCount) === CRC32_GOOD;
    if (!good) {
      this.stats.badFcs++;
      return;
    }
    this.stats.frames++;
    this.onFrame(this.buf.slice(0, bitCount - fcsOctets));
  }
}
