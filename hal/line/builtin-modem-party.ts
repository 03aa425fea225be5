import { FskDataPump } from '../../dsp/fsk/fsk-pump.ts';
import { DEFAULT_TIMINGS } from '../../dsp/fsk/fsk-pump.ts';
import { FSK_MODES } from '../../dsp/fsk/specs.ts';
import type { FskModulation } from '../../dsp/fsk/specs.ts';
import type { FarParty } from './far-party.ts';

const BANNER = '\r\nDialtone echo host: what you type comes back.\r\n';

/** A built-in answering modem in front of an echo host: every character received is sent back. */
export class EchoModemParty implements FarParty {
  private readonly pump: FskDataPump;
  private bannerSent = false;
  private gone = false;

  constructor(modulation: FskModulation, answerToneMs = DEFAULT_TIMINGS.answerToneMs) {
    this.pump = new FskDataPump(FSK_MODES[modulation], 'answerer', { ...DEFAULT_TIMINGS, answerToneMs });
  }

  async frame(heard: Int16Array, said: Int16Array): Promise<boolean> {
    if (this.gone) return false;
    this.pump.process(heard, said);
    if (this.pump.state === 'carrier-lost') return false;
    if (this.pump.state !== 'connected') return true;
    if (!this.bannerSent) {
      this.bannerSent = true;
      this.pump.tx.queue.write(Buffer.from(BANNER, 'latin1'));
    }
    // Echo: hold received bytes while the transmit queue is full (the host's own flow control).
    while (this.pump.rx.length > 0 && this.pump.tx.queue.free > 0) this.pump.tx.queue.push(this.pump.rx.shift());
    return true;
  }

  hangup(): void {
    this.gone = true;
  }
}

export const ECHO_BANNER = BANNER;
