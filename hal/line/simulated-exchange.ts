import { BandLimit } from '../../dsp/channel/band-limit.ts';
import { Awgn } from '../../dsp/channel/awgn.ts';
import { ChannelChain } from '../../dsp/channel/stage.ts';
import type { ChannelStage } from '../../dsp/channel/stage.ts';
import { FRAME_SAMPLES } from '../../dsp/q15.ts';
import type { LineModelConfig, NumberRoute } from '../../config/schema.ts';
import { describeChain, type ChainSpec } from '../../config/chain.ts';
import { buildCallChannels, type CodecFactory } from './channel-chain.ts';
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
  /** Channel chains (config/chain.ts): the line's own, and per number; resolved and checked at start-up. */
  chains?: { line: ChainSpec | null; numbers: Record<string, ChainSpec> };
  /** Reference codecs for chains that name AMR-NB, AMR-WB or mSBC (hal/codecs' createCodecStage). */
  createCodec?: CodecFactory;
}

/** What a call's audio crosses besides the line model: a chain, and the codec factory its codec elements need. */
export interface CallChain {
  spec: ChainSpec;
  createCodec?: CodecFactory;
}

const DIAL_MS = 1000; // time to send the digits and route the call
const RING_CYCLE_MS = 6000; // US ring cadence: 2 s on, 4 s off
const NOMINAL_SIGNAL_DBM0 = -10;
let seedCounter = 1;

/** The stages of one direction of the simulated line: band limit and noise per the configuration. */
export function lineStages(cfg: LineModelConfig, seed = seedCounter++): ChannelStage[] {
  const stages: ChannelStage[] = [];
  if (cfg.bandLimit !== false) stages.push(new BandLimit());
  if (cfg.snrDb !== undefined) stages.push(new Awgn({ snrDb: cfg.snrDb, signalDbm0: NOMINAL_SIGNAL_DBM0, seed }));
  return stages;
}

/** One direction of the simulated line: band limit and noise per the configuration. */
export function channelFor(cfg: LineModelConfig): ChannelStage {
  return new ChannelChain(lineStages(cfg));
}

function noCodecs(): never {
  throw new Error('this exchange was built without the reference codec bindings (hal/codecs)');
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
  private readonly release: () => void = () => {};
  /** The chain the call crosses, as ATI, the panel and MQTT show it; null: the line model alone. */
  readonly chain: string | null = null;

  /** `chain` given: its elements, with the line's band limit and noise at the landline end (config/chain.ts). */
  constructor(
    private readonly route: NumberRoute | undefined,
    private readonly makeParty: () => FarParty,
    private readonly answerAfterMs: number,
    line: LineModelConfig,
    answeredAlready = false,
    chain: CallChain | null = null,
  ) {
    if (chain) {
      const seed = seedCounter;
      seedCounter += 2;
      const ch = buildCallChannels(chain.spec, {
        dialtoneCalled: !answeredAlready,
        seed,
        createCodec: chain.createCodec ?? noCodecs,
        farEnd: (s) => lineStages(line, s),
      });
      this.up = ch.fromDialtone;
      this.down = ch.toDialtone;
      this.release = () => {
        ch.fromDialtone.close();
        ch.toDialtone.close();
      };
      this.chain = describeChain(chain.spec);
    } else {
      this.up = channelFor(line);
      this.down = channelFor(line);
    }
    this.progress = answeredAlready ? 'answered' : 'dialing';
    if (answeredAlready) this.party = makeParty();
  }

  /** A call that could not be set up: it ends at once (the modem reports NO CARRIER). */
  failed(): this {
    this.progress = 'ended';
    return this;
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
    if (!this.through(this.up, this.toFar)) return this.drop(rx);
    const alive = await party.frame(this.toFar, this.fromFar);
    if (!alive) return this.drop(rx);
    rx.set(this.fromFar);
    return this.through(this.down, rx) || this.drop(rx);
  }

  /** A channel stage that fails (a codec library's error) ends the call, as a dropped line does: never the daemon. */
  private through(stage: ChannelStage, buf: Int16Array): boolean {
    try {
      stage.process(buf, FRAME_SAMPLES);
      return true;
    } catch (err) {
      this.failure = `channel ${this.chain ?? 'line model'} failed: ${(err as Error).message}`;
      return false;
    }
  }

  /** Why the channel ended the call, when it did (the exchange logs it). */
  failure: string | null = null;

  private drop(rx: Int16Array): false {
    this.progress = 'ended';
    rx.fill(0, 0, FRAME_SAMPLES);
    this.party?.hangup();
    this.party = null;
    this.release();
    return false;
  }

  hangup(): void {
    this.party?.hangup();
    this.party = null;
    this.progress = 'ended';
    this.release();
  }
}

/** The built-in telephone exchange: numbers from configuration reach built-in modems, tones, or external programs. */
export class SimulatedExchange implements PhoneLine {
  private incomingListener: ((call: IncomingCall) => void) | null = null;

  constructor(private readonly opts: ExchangeOptions) {}

  /** `via`: a chain picked for this call (the dial suffix), over the number's and the line's. */
  dial(number: string, via?: ChainSpec): CallLeg {
    const digits = number.replace(/[^0-9*#A-D]/gi, '').toUpperCase();
    const route = this.opts.numbers[digits];
    const rings = route?.kind === 'program' ? (route.answerAfterRings ?? this.opts.answerAfterRings) : this.opts.answerAfterRings;
    // Answer at the end of the n-th ring burst.
    const answerAfterMs = Math.max(0, rings - 1) * RING_CYCLE_MS + 2000;
    const spec = via ?? this.opts.chains?.numbers[digits] ?? this.opts.chains?.line ?? null;
    const chain = spec ? { spec, createCodec: this.opts.createCodec } : null;
    this.opts.log(`exchange: call to ${digits || '(nothing)'} → ${route ? route.kind : 'unassigned'}${spec ? ` via ${describeChain(spec)}` : ''}`);
    try {
      return new SimulatedCallLeg(route, () => this.partyFor(route!), answerAfterMs, this.opts.line, false, chain);
    } catch (err) {
      // Start-up checked the chains and loaded the codecs; should a codec still fail here, the call fails, not the daemon.
      this.opts.log(`exchange: call to ${digits} failed: ${(err as Error).message}`);
      return new SimulatedCallLeg(undefined, () => this.partyFor(route!), answerAfterMs, this.opts.line).failed();
    }
  }

  /** The chain incoming calls (control socket) cross: the line's. */
  get incomingChain(): CallChain | null {
    const spec = this.opts.chains?.line;
    return spec ? { spec, createCodec: this.opts.createCodec } : null;
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
