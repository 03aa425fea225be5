/**
 * What Dialtone publishes, as pure functions of the modem's state: topic names, the retained state, one record per
 * call, line quality, and Home Assistant discovery. No I/O here; telemetry/mqtt-telemetry.ts sends them.
 */
import type { LedState } from '../../hal/leds/led-panel.ts';
import type { NumberRoute } from '../../config/schema.ts';
import type { CallRecord, ModemState } from '../modem.ts';
import { PRODUCT, VERSION } from '../product.ts';

export interface Topics {
  base: string;
  status: string;
  state: string;
  call: string;
  line: string;
}

export function topicsFor(prefix: string, deviceId: string): Topics {
  const base = `${prefix}/${deviceId}`;
  return { base, status: `${base}/status`, state: `${base}/state`, call: `${base}/call`, line: `${base}/line` };
}

export interface StatePayload {
  state: ModemState;
  hook: 'on' | 'off';
  mode: 'command' | 'data';
  rate: number | null;
  dteSpeed: number | null;
  modulation: string;
  leds: Partial<LedState>;
  at: string;
}

/** States in which the line is seized (off hook) and the audio clock runs. */
export const IN_CALL: readonly ModemState[] = ['dialing', 'handshake', 'online', 'online-command'];

export function statePayload(state: ModemState, rate: number | null, dteSpeed: number | null, modulation: string, leds: Partial<LedState>, now = new Date()): StatePayload {
  return {
    state,
    hook: IN_CALL.includes(state) ? 'off' : 'on',
    mode: state === 'online' ? 'data' : 'command',
    rate: state === 'online' || state === 'online-command' ? rate : null,
    dteSpeed,
    modulation,
    leds: { ...leds },
    at: now.toISOString(),
  };
}

/** How a number is classified when the number itself must not be published. */
export function numberClass(direction: CallRecord['direction'], number: string, routes: Record<string, NumberRoute>): string {
  if (direction === 'incoming') return 'incoming';
  const route = routes[number];
  return route ? route.kind : 'unrouted';
}

export interface CallPayload {
  direction: CallRecord['direction'];
  numberClass: string;
  number?: string;
  modulation: string;
  rate: number | null;
  startedAt: string;
  durationS: number;
  connectedS: number;
  bytesToLine: number;
  bytesFromLine: number;
  retrains: number | null;
  reason: string;
  /** The channel chain the call crossed (simulated exchange, config/chain.ts: "umts-amr: cvsd > amr-nb … > g711a"), or null. */
  chain: string | null;
}

export function callPayload(r: CallRecord, routes: Record<string, NumberRoute>, publishNumbers: boolean): CallPayload {
  return {
    direction: r.direction,
    numberClass: numberClass(r.direction, r.number, routes),
    ...(publishNumbers ? { number: r.number } : {}),
    modulation: r.modulation,
    rate: r.rate,
    startedAt: new Date(r.startedAt).toISOString(),
    durationS: r.durationMs / 1000,
    connectedS: r.connectedMs / 1000,
    bytesToLine: r.bytesToLine,
    bytesFromLine: r.bytesFromLine,
    retrains: r.retrains ?? null, // the pump's count (V.22bis); null where the pump does not retrain (FSK) or none ran
    reason: r.result,
    chain: r.chain ?? null, // the channel chain the call crossed (simulated exchange, config/chain.ts)
  };
}

/** Line quality during a call, as the data pump measures it; what a pump does not measure is null (see docs/appliance.md, *Telemetry*). */
export interface LinePayload {
  state: ModemState;
  lineS: number;
  snrDb: number | null;
  rxLevelDbm0: number | null;
  carrierOffsetHz: number | null;
  /** Equaliser mean squared error relative to the mean point power, dB. */
  eqMse: number | null;
  berEstimate: number | null;
  bytesToLine: number;
  bytesFromLine: number;
}

export interface DiscoveryMessage {
  topic: string;
  payload: Record<string, unknown>;
}

/** Home Assistant MQTT discovery: one retained config per entity, all on one device, available while status is online. */
export function discoveryMessages(discoveryPrefix: string, deviceId: string, deviceName: string, t: Topics): DiscoveryMessage[] {
  const device = { identifiers: [`dialtone_${deviceId}`], name: deviceName, manufacturer: 'Dialtone', model: PRODUCT, sw_version: VERSION };
  const common = { availability_topic: t.status, payload_available: 'online', payload_not_available: 'offline', device };
  const entity = (component: string, object: string, name: string, extra: Record<string, unknown>): DiscoveryMessage => ({
    topic: `${discoveryPrefix}/${component}/${deviceId}/${object}/config`,
    payload: { name, unique_id: `dialtone_${deviceId}_${object}`, object_id: `dialtone_${deviceId}_${object}`, ...common, ...extra },
  });
  return [
    entity('binary_sensor', 'connected', 'Connected', { state_topic: t.status, payload_on: 'online', payload_off: 'offline', device_class: 'connectivity', entity_category: 'diagnostic', availability_topic: undefined }),
    entity('sensor', 'state', 'Modem state', { state_topic: t.state, value_template: '{{ value_json.state }}', icon: 'mdi:phone-classic', json_attributes_topic: t.state }),
    entity('sensor', 'rate', 'Connect rate', { state_topic: t.state, value_template: '{{ value_json.rate or 0 }}', unit_of_measurement: 'bit/s', state_class: 'measurement' }),
    entity('binary_sensor', 'off_hook', 'Off hook', { state_topic: t.state, value_template: "{{ 'ON' if value_json.hook == 'off' else 'OFF' }}", icon: 'mdi:phone-hangup' }),
    entity('binary_sensor', 'carrier', 'Carrier detect', { state_topic: t.state, value_template: "{{ 'ON' if value_json.leds.CD else 'OFF' }}" }),
    entity('sensor', 'last_call', 'Last call', { state_topic: t.call, value_template: '{{ value_json.reason }}', json_attributes_topic: t.call, icon: 'mdi:phone-log' }),
    entity('sensor', 'last_call_duration', 'Last call duration', { state_topic: t.call, value_template: '{{ value_json.durationS }}', unit_of_measurement: 's', device_class: 'duration' }),
    entity('sensor', 'line_snr', 'Line SNR', { state_topic: t.line, value_template: '{{ value_json.snrDb }}', unit_of_measurement: 'dB', state_class: 'measurement' }),
  ].map((m) => ({ ...m, payload: JSON.parse(JSON.stringify(m.payload)) as Record<string, unknown> })); // drops undefined keys
}
