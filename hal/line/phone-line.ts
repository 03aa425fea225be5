import type { DataPump } from '../../dsp/pump.ts';
import type { ChainSpec } from '../../config/chain.ts';

/** The telephone call as the modem sees it: progress reported out of band (as a phone over HFP does), audio in 20 ms frames. */
export type CallProgress = 'dialing' | 'ringing' | 'answered' | 'busy' | 'no-answer' | 'no-dialtone' | 'invalid-number' | 'ended';

export interface CallLeg {
  readonly progress: CallProgress;
  /**
   * One frame of the call: `tx` holds the 160 samples this end sends, `rx` receives the 160 it hears.
   * Returns false once the far end has gone (the line dropped).
   */
  frame(tx: Int16Array, rx: Int16Array): Promise<boolean>;
  hangup(): void;
  /**
   * A call that carries bytes rather than audio (an Internet call, hal/line/internet) brings its own pump, with no
   * modulation and no handshake: once the call is answered, the modem's data mode uses it in place of one.
   */
  readonly dataPump?: DataPump | null;
  /** The channel chain the call crosses (config/chain.ts describeChain), where the line models one. */
  readonly chain?: string | null;
}

export interface IncomingCall {
  readonly from: string;
  /** Pick up: the call's audio starts flowing. */
  answer(): CallLeg;
  /** Ringing stopped without an answer (the far end gave up). */
  readonly abandoned: boolean;
  reject(): void;
}

export interface PhoneLine {
  /** `via`: a channel chain for this call (the dial suffix); only the simulated exchange models one. */
  dial(number: string, via?: ChainSpec): CallLeg;
  /** The exchange rings this line; the modem answers or not. */
  onIncoming(listener: (call: IncomingCall) => void): void;
  close(): void;
}
