import { BandLimit } from '../../dsp/channel/band-limit.ts';
import { Awgn } from '../../dsp/channel/awgn.ts';
import { ChannelChain } from '../../dsp/channel/stage.ts';
import type { ChannelStage } from '../../dsp/channel/stage.ts';
import { FRAME_SAMPLES } from '../../dsp/q15.ts';
import type { LineModelConfig, NumberRoute } from '../../config/schema.ts';
import { EchoModemParty } from './builtin-modem-party.ts';
import type { FarParty } from './far-party.ts';
import type { CallLeg, CallProgress, IncomingCall, PhoneLine } from './phone-line.ts';
import { busyTone, reorderTone, ringback } from './progress-tones.ts';
import type { CadencedTone } from './progress-tones.ts';
import { ProgramHostModemParty } from './program-host-party.ts';
import { ProgramParty } from './program-party.ts';

export interface ExchangeOptions {
  numbers: Record<string, NumberRoute>;
  line: LineModelConfig;
  answerAfterRings: number;
  answerToneMs?: number;
  log: (line: string) => void;
}

const DIAL_MS = 1000; // time to send the digits and route the call
const RING_CYCLE_MS = 6000; // US ring cadence: 2 s on, 4 s off
const NOMINAL_SIGNAL_DBM0 = -10;
let seedCounter = 1;

/** One direction of the simulated line: band limit and noise per the configuration. */
export function channelFor(cfg: LineModelConfig): ChannelStage {
  const stages: ChannelStage[] = [];
  if (cfg.bandLimit !== false) stages.push(new BandLimit());
  if (cfg.snrDb !== undefined) stages.push(new Awgn({ snrDb: cfg.snrDb, signalDbm0: NOMINAL_SIGNAL_DBM0, seed: seedCounter++ }));
  return new ChannelChain(stages);
}

/** A call through the simulated exchange, seen from one end; the far party sits behind two channel models. */
export class SimulatedCallLeg implements CallLeg {
  progress: CallProgress;
  private ms = 0;
  private tone: CadencedTone | null = null;
  private party: FarParty | null = null;
  private readonly toFar = new Int16Array(FRAME_SAMPLES);
  private readonly fromFar = new Int16Array(FRAME_SAMPLES);
  private readonly up: ChannelStage;
  private readonly down: ChannelStage;

  constructor(
    private readonly route: NumberRoute | undefined,
    private readonly makeParty: () => FarParty,
    private readonly answerAfterMs: number,
    line: LineModelConfig,
    answeredAlready = false,
  ) {
    this.up = channelFor(line);
    this.down = channelFor(line);
    this.progress = answeredAlready ? 'answered' : 'dialing';
    if (answeredAlready) this.party = makeParty();
  }

  async frame(tx: Int16Array, rx: Int16Array): Promise<boolean> {
    this.ms += 20;
    switch (this.progress) {
      case 'dialing':
        rx.fill(0, 0, FRAME_SAMPLES);
        if (this.ms >= DIAL_MS) this.route_();
        return true;
      case 'ringing':
        this.tone?.frame(rx);
        if (this.route?.kind !== 'no-answer' && this.ms >= DIAL_MS + this.answerAfterMs) {
          this.progress = 'answered';
          this.party = this.makeParty();
        }
        return true;
      case 'busy':
      case 'invalid-number':
        this.tone?.frame(rx);
        return true;
      case 'answered':
        return this.talk(tx, rx);
      default:
        rx.fill(0, 0, FRAME_SAMPLES);
        return false;
    }
  }

  private route_(): void {
    if (!this.route) {
      this.progress = 'invalid-number';
      this.tone = reorderTone();
    } else if (this.route.kind === 'busy') {
      this.progress = 'busy';
      this.tone = busyTone();
    } else {
      this.progress = 'ringing';
      this.tone = ringback();
    }
  }

  private async talk(tx: Int16Array, rx: Int16Array): Promise<boolean> {
    const party = this.party!;
    this.toFar.set(tx.subarray(0, FRAME_SAMPLES));
    this.up.process(this.toFar, FRAME_SAMPLES);
    const alive = await party.frame(this.toFar, this.fromFar);
    if (!alive) {
      this.progress = 'ended';
      rx.fill(0, 0, FRAME_SAMPLES);
      return false;
    }
    rx.set(this.fromFar);
    this.down.process(rx, FRAME_SAMPLES);
    return true;
  }

  hangup(): void {
    this.party?.hangup();
    this.party = null;
    this.progress = 'ended';
  }
}

/** The built-in telephone exchange: numbers from configuration reach built-in modems, tones, or external programs. */
export class SimulatedExchange implements PhoneLine {
  private incomingListener: ((call: IncomingCall) => void) | null = null;

  constructor(private readonly opts: ExchangeOptions) {}

  dial(number: string): CallLeg {
    const digits = number.replace(/[^0-9*#A-D]/gi, '').toUpperCase();
    const route = this.opts.numbers[digits];
    const rings = route?.kind === 'program' ? (route.answerAfterRings ?? this.opts.answerAfterRings) : this.opts.answerAfterRings;
    // Answer at the end of the n-th ring burst.
    const answerAfterMs = Math.max(0, rings - 1) * RING_CYCLE_MS + 2000;
    this.opts.log(`exchange: call to ${digits || '(nothing)'} → ${route ? route.kind : 'unassigned'}`);
    return new SimulatedCallLeg(route, () => this.partyFor(route!), answerAfterMs, this.opts.line);
  }

  private partyFor(route: NumberRoute): FarParty {
    if (route.kind === 'modem' && route.host !== 'echo') {
      const { modulation, errorControl } = route;
      return new ProgramHostModemParty({ modulation, errorControl, command: route.host.command, log: this.opts.log, answerToneMs: this.opts.answerToneMs });
    }
    if (route.kind === 'modem') return new EchoModemParty(route.modulation, this.opts.answerToneMs, route.errorControl);
    if (route.kind === 'program') return new ProgramParty(route.command, this.opts.log);
    throw new Error(`no party answers a ${route.kind} number`);
  }

  /** An external caller (see hal/line/control-socket.ts) rings this line. */
  ring(call: IncomingCall): void {
    if (this.incomingListener) this.incomingListener(call);
    else call.reject();
  }

  onIncoming(listener: (call: IncomingCall) => void): void {
    this.incomingListener = listener;
  }

  close(): void {}
}
