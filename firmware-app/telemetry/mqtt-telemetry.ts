import { readFileSync } from 'node:fs';
import { connect } from 'mqtt';
import type { IClientOptions, IClientPublishOptions, MqttClient } from 'mqtt';
import type { DataPump } from '../../dsp/pump.ts';
import type { LedState } from '../../hal/leds/led-panel.ts';
import type { DialtoneConfig } from '../../config/schema.ts';
import type { ModemEvents, ModemState } from '../modem.ts';
import { lineQuality } from '../panel/line-quality.ts';
import { IN_CALL, callPayload, discoveryMessages, statePayload, topicsFor } from './payloads.ts';
import type { LinePayload, Topics } from './payloads.ts';

/** What telemetry reads from the modem: its events and a few public fields. */
export interface TelemetrySource {
  state: ModemState;
  modulation: string;
  stats: { bytesToLine: number; bytesFromLine: number };
  /** The call's data pump, for line quality (null between calls). */
  readonly dataPump?: DataPump | null;
  events: { on<K extends keyof ModemEvents>(event: K, listener: (...args: ModemEvents[K]) => void): unknown };
}

/** The connection's state machine, as it appears in the log. */
export type TelemetryLink = 'connecting' | 'online' | 'offline' | 'closed';

interface Outgoing {
  topic: string;
  payload: string;
  opts: IClientPublishOptions;
}

const LED_PUBLISH_MS = 1000; // LEDs change every frame; the dashboard needs them at most once a second

/**
 * MQTT telemetry: status (retained, with a last will), retained state, one record per call, line quality during
 * calls, Home Assistant discovery. Publishing never waits: while the broker is away (or slow: more than queueLimit
 * messages unacknowledged) messages go to a bounded queue, oldest dropped first; the retained state is kept apart,
 * latest only, and republished with status and discovery on every (re)connection.
 */
export class MqttTelemetry {
  link: TelemetryLink = 'connecting';
  readonly topics: Topics;
  readonly counters = { published: 0, queued: 0, dropped: 0 };
  private readonly client: MqttClient;
  private readonly queue: Outgoing[] = [];
  private inFlight = 0;
  private rate: number | null = null;
  private leds: Partial<LedState> = {};
  private ledsTimer: NodeJS.Timeout | null = null;
  private lineTimer: NodeJS.Timeout | null = null;
  private lastLeds = '';
  private latestState: string | null = null;

  constructor(
    private readonly cfg: DialtoneConfig,
    private readonly modem: TelemetrySource,
    private readonly lineMs: () => number,
    private readonly log: (line: string) => void,
  ) {
    const m = cfg.mqtt;
    this.topics = topicsFor(m.topicPrefix, cfg.device.id);
    this.client = connect(m.url!, this.clientOptions());
    this.client.on('connect', () => this.onConnect());
    this.client.on('close', () => this.setLink('offline'));
    this.client.on('offline', () => this.setLink('offline'));
    // Errors (refused, DNS, TLS) are logged; mqtt.js keeps reconnecting every reconnectPeriod.
    this.client.on('error', (err) => this.log(`telemetry: ${err.message}`));
    modem.events.on('state', (s) => this.onState(s));
    modem.events.on('connect', (r) => {
      this.rate = r;
      this.publishState();
    });
    modem.events.on('leds', (l) => this.onLeds(l));
    modem.events.on('call-end', (r) => this.send(this.topics.call, JSON.stringify(callPayload(r, cfg.exchange.numbers, m.publishNumbers)), { qos: 1 }));
    this.publishState();
  }

  private clientOptions(): IClientOptions {
    const m = this.cfg.mqtt;
    const pem = (p: string | null | undefined): Buffer | undefined => (p ? readFileSync(p) : undefined);
    return {
      clientId: `dialtone-${this.cfg.device.id}`,
      username: m.username ?? undefined,
      password: m.password ?? undefined,
      keepalive: m.keepaliveS,
      clean: true,
      reconnectPeriod: 2000,
      connectTimeout: 10_000,
      queueQoSZero: false, // our own queue is the bounded one
      will: { topic: this.topics.status, payload: Buffer.from('offline'), qos: 1, retain: true },
      ca: pem(m.tls.ca),
      cert: pem(m.tls.cert),
      key: pem(m.tls.key),
      rejectUnauthorized: m.tls.rejectUnauthorized ?? true,
    };
  }

  private setLink(l: TelemetryLink): void {
    if (this.link === l || this.link === 'closed') return;
    this.link = l;
    this.log(`telemetry: ${l}${l === 'online' ? ` (${this.cfg.mqtt.url})` : ''}`);
  }

  private onConnect(): void {
    this.setLink('online');
    this.inFlight = 0;
    this.publishNow({ topic: this.topics.status, payload: 'online', opts: { qos: 1, retain: true } });
    const prefix = this.cfg.mqtt.discoveryPrefix;
    if (prefix) {
      for (const d of discoveryMessages(prefix, this.cfg.device.id, this.cfg.device.name, this.topics)) this.publishNow({ topic: d.topic, payload: JSON.stringify(d.payload), opts: { qos: 1, retain: true } });
    }
    if (this.latestState) this.publishNow({ topic: this.topics.state, payload: this.latestState, opts: { qos: 1, retain: true } });
    this.flush();
  }

  private onState(s: ModemState): void {
    if (s === 'command') this.rate = null;
    this.publishState();
    const inCall = IN_CALL.includes(s);
    if (inCall && !this.lineTimer) {
      this.lineTimer = setInterval(() => this.publishLine(), this.cfg.mqtt.lineIntervalMs);
      this.lineTimer.unref();
    } else if (!inCall && this.lineTimer) {
      clearInterval(this.lineTimer);
      this.lineTimer = null;
    }
  }

  private onLeds(l: Readonly<LedState>): void {
    this.leds = { ...l, RD: undefined, SD: undefined }; // data LEDs blink per frame: not state worth retaining
    const key = JSON.stringify(this.leds);
    if (key === this.lastLeds || this.ledsTimer) return;
    this.ledsTimer = setTimeout(() => {
      this.ledsTimer = null;
      if (JSON.stringify(this.leds) !== this.lastLeds) this.publishState();
    }, LED_PUBLISH_MS);
    this.ledsTimer.unref();
  }

  private publishState(): void {
    this.lastLeds = JSON.stringify(this.leds);
    const dteSpeed = this.cfg.serial.backend === 'serialport' ? (this.cfg.serial.baudRate ?? null) : null;
    this.latestState = JSON.stringify(statePayload(this.modem.state, this.rate, dteSpeed, this.modem.modulation, JSON.parse(this.lastLeds) as Partial<LedState>));
    // Retained state is not queued: the latest one goes out on reconnection.
    if (this.client.connected) this.publishNow({ topic: this.topics.state, payload: this.latestState, opts: { qos: 1, retain: true } });
  }

  private publishLine(): void {
    const q = lineQuality(this.modem.dataPump ?? null); // what the data pump measures (firmware-app/panel/line-quality.ts)
    const line: LinePayload = {
      state: this.modem.state,
      lineS: this.lineMs() / 1000,
      snrDb: q.snrDb,
      rxLevelDbm0: q.rxLevelDbm0,
      carrierOffsetHz: q.carrierOffsetHz,
      eqMse: q.eqMseDb,
      berEstimate: q.berEstimate,
      bytesToLine: this.modem.stats.bytesToLine,
      bytesFromLine: this.modem.stats.bytesFromLine,
    };
    this.send(this.topics.line, JSON.stringify(line), { qos: 0 });
  }

  /** Publish now if the link is up and not backed up, else queue (bounded). Never waits. */
  private send(topic: string, payload: string, opts: IClientPublishOptions): void {
    const msg = { topic, payload, opts };
    if (this.client.connected && this.queue.length === 0 && this.inFlight < this.cfg.mqtt.queueLimit) this.publishNow(msg);
    else this.enqueue(msg);
  }

  private enqueue(msg: Outgoing): void {
    if (this.queue.length >= this.cfg.mqtt.queueLimit) {
      this.queue.shift();
      if (this.counters.dropped++ === 0) this.log(`telemetry: offline queue full (${this.cfg.mqtt.queueLimit}); dropping the oldest messages`);
    }
    this.queue.push(msg);
    this.counters.queued++;
  }

  private publishNow(msg: Outgoing): void {
    this.inFlight++;
    this.client.publish(msg.topic, msg.payload, msg.opts, (err) => {
      this.inFlight = Math.max(0, this.inFlight - 1);
      if (err) {
        if (msg.topic !== this.topics.state && msg.topic !== this.topics.status && !msg.opts.retain) this.enqueue(msg);
        return;
      }
      this.counters.published++;
      this.flush();
    });
  }

  private flush(): void {
    while (this.client.connected && this.queue.length > 0 && this.inFlight < this.cfg.mqtt.queueLimit) this.publishNow(this.queue.shift()!);
  }

  /** Publish offline (retained) and disconnect; gives up after `timeoutMs` so shutdown never hangs on a dead broker. */
  async close(timeoutMs = 1000): Promise<void> {
    if (this.lineTimer) clearInterval(this.lineTimer);
    if (this.ledsTimer) clearTimeout(this.ledsTimer);
    const c = this.client;
    const done = new Promise<void>((res) => {
      if (!c.connected) return res();
      c.publish(this.topics.status, 'offline', { qos: 1, retain: true }, () => res());
    });
    await Promise.race([done, new Promise((r) => setTimeout(r, timeoutMs))]);
    this.link = 'closed';
    await Promise.race([c.endAsync(true), new Promise((r) => setTimeout(r, 200))]);
  }
}
