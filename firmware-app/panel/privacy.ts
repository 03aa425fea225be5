/**
 * What the panel shows of telephone numbers follows the same setting as MQTT (mqtt.publishNumbers): unless it is
 * true, a dialled or calling number is replaced by its class (the kind of route it reached: modem, busy,
 * no-answer, program; unrouted; incoming), exactly as the `call` topic leaves it out.
 */
import type { NumberRoute } from '../../config/schema.ts';
import { numberClass } from '../telemetry/payloads.ts';
import type { CallLogEntry } from './call-log.ts';
import type { Snapshot } from './live-feed.ts';

export interface NumberPrivacy {
  showNumbers: boolean;
  routes: Record<string, NumberRoute>;
}

export function callsForViewer(calls: readonly CallLogEntry[], p: NumberPrivacy): readonly CallLogEntry[] {
  if (p.showNumbers) return calls;
  return calls.map((c) => ({ ...c, number: numberClass(c.direction, c.number, p.routes) }));
}

export function snapshotForViewer(s: Snapshot, p: NumberPrivacy): Snapshot {
  const call = s.panel.call;
  if (p.showNumbers || !call) return s;
  return { ...s, panel: { ...s.panel, call: { ...call, number: numberClass(call.direction, call.number, p.routes) } } };
}
