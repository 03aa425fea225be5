import type { ChainSpec } from '../../config/chain.ts';
import type { CallLeg, CallProgress, IncomingCall, PhoneLine } from './phone-line.ts';

/** A call on a line that is not there: NO DIALTONE at once. */
class NoDialToneLeg implements CallLeg {
  readonly progress: CallProgress = 'no-dialtone';

  frame(_tx: Int16Array, rx: Int16Array): Promise<boolean> {
    rx.fill(0);
    return Promise.resolve(true);
  }

  hangup(): void {}
}

/**
 * A line whose hardware could not be opened yet (the sound card line's GPIO chip for its hook relay and ring
 * detector): until it opens, every dial gets NO DIALTONE and the reason is logged (once per reason); it is tried
 * again every `retryMs`, and from then on calls go to the real line.
 */
export class PendingLine implements PhoneLine {
  private line: PhoneLine | null = null;
  private listener: ((call: IncomingCall) => void) | null = null;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  private lastProblem: string | null = null;

  constructor(
    private readonly open: () => Promise<PhoneLine>,
    private readonly what: string,
    private readonly log: (line: string) => void,
    private readonly retryMs = 5000,
  ) {}

  /** Tries to open the line now; true once it is open. */
  async start(): Promise<boolean> {
    if (this.closed || this.line) return this.line !== null;
    try {
      const line = await this.open();
      if (this.closed) {
        line.close();
        return false;
      }
      this.line = line;
      if (this.listener) line.onIncoming(this.listener);
      this.log(`line: ${this.what} ready${this.lastProblem ? ' (found again)' : ''}`);
      return true;
    } catch (err) {
      const why = (err as Error).message;
      if (why !== this.lastProblem) this.log(`line: ${this.what} not available (${why}); calls get NO DIALTONE; trying again every ${this.retryMs / 1000} s`);
      this.lastProblem = why;
      this.timer = setTimeout(() => {
        this.timer = null;
        void this.start();
      }, this.retryMs);
      return false;
    }
  }

  dial(number: string, via?: ChainSpec): CallLeg {
    return this.line ? this.line.dial(number, via) : new NoDialToneLeg();
  }

  onIncoming(listener: (call: IncomingCall) => void): void {
    this.listener = listener;
    this.line?.onIncoming(listener);
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.line?.close();
  }
}
