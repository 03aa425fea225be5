import { DEFAULT_TIMINGS } from '../../dsp/fsk/fsk-pump.ts';
import { createDataPump } from '../../dsp/pump-factory.ts';
import type { Modulation } from '../../dsp/pump-factory.ts';
import type { DataPump } from '../../dsp/pump.ts';
import type { FarParty } from './far-party.ts';
import type { ModemRoute } from '../../config/schema.ts';

const BANNER = '\r\nDialtone echo host: what you type comes back.\r\n';

/** A built-in answering modem in front of an echo host: every character received is sent back. */
export class EchoModemParty implements FarParty {
  private readonly pump: DataPump;
  private bannerSent = false;
  private gone = false;

  /** `errorControl`: V.42 (with fallback to a normal connection), and V.42bis, offered to callers (V.22 family). */
  constructor(modulation: Modulation, answerToneMs = DEFAULT_TIMINGS.answerToneMs, errorControl: NonNullable<ModemRoute['errorControl']> = 'none') {
    const { txLevelDbm0, carrierDetectMs, carrierLossMs } = DEFAULT_TIMINGS;
    const v42 = errorControl === 'none' ? null : { errorControl: 'auto' as const, compression: errorControl === 'v42bis' };
    this.pump = createDataPump(modulation, 'answerer', { txLevelDbm0, carrierDetectMs, carrierLossMs, answerToneMs, v42 });
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
