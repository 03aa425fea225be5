/** What the watchdog reads: the audio clock's line time (FrameClock.lineMs advances 20 ms per frame). */
export interface ClockProbe {
  readonly lineMs: number;
}

export interface WatchdogOptions {
  /** systemd's watchdog period (WatchdogSec); pings go out at half of it. */
  periodMs: number;
  maxEventLoopLagMs: number;
  maxClockStallMs: number;
  clock: ClockProbe;
  /** True while frames must flow (a call or a ringing line); an idle simulated clock legitimately stands still. */
  clockShouldRun: () => boolean;
  ping: () => void;
  log: (line: string) => void;
}

export interface Health {
  healthy: boolean;
  /** Why not, in words for the log and STATUS=. */
  reason: string | null;
  /** The worst event loop delay seen since the last ping, ms. */
  loopLagMs: number;
  /** How long frames have not advanced while they should, ms. */
  clockStallMs: number;
}

/**
 * The software side of systemd's watchdog: WATCHDOG=1 is sent only while the event loop answers timers promptly
 * and, during a call, the audio clock keeps producing frames. A stalled loop sends nothing by itself; a loop that
 * still runs but whose audio path has frozen (a sound card or a far party that stopped delivering frames) stops
 * pinging on purpose, so systemd restarts the daemon.
 */
export class Watchdog {
  private sampler: NodeJS.Timeout | null = null;
  private pinger: NodeJS.Timeout | null = null;
  private expected = 0;
  private windowLag = 0;
  private lastLineMs = 0;
  private lastAdvance = 0;
  private lastReason: string | null = null;
  private readonly sampleMs: number;

  constructor(private readonly o: WatchdogOptions) {
    this.sampleMs = Math.max(10, Math.min(100, o.periodMs / 8));
  }

  start(): void {
    const now = performance.now();
    this.expected = now + this.sampleMs;
    this.lastLineMs = this.o.clock.lineMs;
    this.lastAdvance = now;
    this.sampler = setInterval(() => this.sample(), this.sampleMs);
    this.pinger = setInterval(() => this.beat(), this.o.periodMs / 2);
    this.sampler.unref();
    this.pinger.unref();
  }

  private sample(): void {
    const now = performance.now();
    this.windowLag = Math.max(this.windowLag, now - this.expected);
    this.expected = now + this.sampleMs;
    const line = this.o.clock.lineMs;
    if (line !== this.lastLineMs || !this.o.clockShouldRun()) this.lastAdvance = now;
    this.lastLineMs = line;
  }

  health(): Health {
    const loopLagMs = Math.max(0, Math.round(this.windowLag));
    const clockStallMs = Math.round(performance.now() - this.lastAdvance);
    let reason: string | null = null;
    if (loopLagMs > this.o.maxEventLoopLagMs) reason = `event loop lag ${loopLagMs} ms > ${this.o.maxEventLoopLagMs} ms`;
    else if (clockStallMs > this.o.maxClockStallMs) reason = `audio clock stalled for ${clockStallMs} ms during a call`;
    return { healthy: reason === null, reason, loopLagMs, clockStallMs };
  }

  private beat(): void {
    const h = this.health();
    this.windowLag = 0;
    if (h.reason !== this.lastReason) this.o.log(h.reason ? `watchdog: unhealthy, not pinging: ${h.reason}` : 'watchdog: healthy again');
    this.lastReason = h.reason;
    if (h.healthy) this.o.ping();
  }

  stop(): void {
    if (this.sampler) clearInterval(this.sampler);
    if (this.pinger) clearInterval(this.pinger);
    this.sampler = this.pinger = null;
  }
}
