import { connect } from 'node:net';
import type { DoctorCheck, DoctorContext, Finding } from './doctor.ts';

/**
 * `dialtone doctor` for telemetry: a configured broker must accept a TCP connection (the daemon runs without it,
 * queueing, but nothing reaches the dashboard). The embedded broker (mqtt.url null) needs nothing from outside.
 */
function brokerFindings(ctx: DoctorContext): Promise<Finding[]> {
  const url = ctx.cfg.mqtt.url!;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return Promise.resolve([{ verdict: 'fail', what: `mqtt.url ${url} is not a URL` }]);
  }
  const port = Number(u.port) || (u.protocol === 'mqtts:' ? 8883 : 1883);
  const host = u.hostname.replace(/^\[|\]$/g, '');
  return new Promise((resolve) => {
    const sock = connect({ host, port, timeout: 3000 });
    const fail = (why: string): void => {
      sock.destroy();
      resolve([
        {
          verdict: 'fail',
          what: `cannot reach the broker at ${url} (${why}): telemetry is queued until it answers`,
          fix: 'is the broker running (systemctl status mosquitto)? or set mqtt.url: null for the embedded broker, or mqtt.enabled: false',
        },
      ]);
    };
    sock.once('connect', () => {
      sock.destroy();
      resolve([{ verdict: 'ok', what: `the broker at ${url} accepts connections` }]);
    });
    sock.once('timeout', () => fail('no answer in 3 s'));
    sock.once('error', (err: NodeJS.ErrnoException) => fail(err.code ?? err.message));
  });
}

export const MQTT_CHECK: DoctorCheck = { name: 'mqtt', applies: (c) => c.mqtt.enabled && c.mqtt.url !== null, run: brokerFindings };
