import test from 'ava';
import type { ExecutionContext } from 'ava';
import { connect } from 'mqtt';
import type { MqttClient } from 'mqtt';
import { callPayload } from '../../firmware-app/telemetry/payloads.ts';
import { Terminal } from '../helpers/terminal.ts';
import { mosquitto, startTestDaemon, until } from './helpers.ts';
import type { Broker, TestDaemon } from './helpers.ts';

/** A dashboard's view: subscribe to everything, keep every message with its retain flag. */
interface Watcher {
  client: MqttClient;
  got: { topic: string; text: string; retain: boolean }[];
  json(topic: string): Record<string, unknown>[];
  wait(
    what: string,
    pred: (m: { topic: string; text: string; retain: boolean }) => boolean,
    timeoutMs?: number,
  ): Promise<{ topic: string; text: string; retain: boolean }>;
}

async function watch(t: ExecutionContext, url: string): Promise<Watcher> {
  const client = connect(url, { reconnectPeriod: 200, clean: true });
  const got: Watcher['got'] = [];
  client.on('message', (topic, payload, packet) => got.push({ topic, text: payload.toString(), retain: packet.retain }));
  client.on('error', () => {});
  client.on('connect', () => client.subscribe(['dialtone/#', 'homeassistant/#'], { qos: 1 }));
  t.teardown(() => client.endAsync(true));
  await until(
    () => client.connected,
    10_000,
    () => 'the watcher could not connect',
  );
  return {
    client,
    got,
    json: (topic) => got.filter((m) => m.topic === topic).map((m) => JSON.parse(m.text) as Record<string, unknown>),
    wait: (what, pred, timeoutMs = 20_000) =>
      until(
        () => got.find(pred),
        timeoutMs,
        () => `${what}; got ${JSON.stringify(got.map((m) => `${m.topic} ${m.text.slice(0, 80)}`))}`,
      ),
  };
}

function daemon(t: ExecutionContext, broker: Broker | null, id: string, mqtt: Record<string, unknown> = {}, config: Record<string, unknown> = {}): TestDaemon {
  const d = startTestDaemon({
    config: { device: { id, name: `Test ${id}` }, mqtt: broker ? { enabled: true, url: broker.url, lineIntervalMs: 200, ...mqtt } : { enabled: false }, ...config },
  });
  t.teardown(d.stop);
  return d;
}

async function terminal(t: ExecutionContext, d: TestDaemon): Promise<Terminal> {
  await d.ready;
  const term = await Terminal.open(d.link);
  t.teardown(() => term.close());
  return term;
}

/** Dial the V.21 echo host, send `n` bytes, wait for them to come back, escape, hang up. Returns wall ms of the call. */
async function echoCall(term: Terminal, n: number): Promise<number> {
  const t0 = performance.now();
  await term.write('ATDT5551000\r');
  await term.waitFor(/CONNECT 300\r\n/, 60_000);
  const text = 'Z'.repeat(n - 1) + '!';
  await term.write(text);
  await term.waitFor('!', 60_000);
  const ms = performance.now() - t0;
  await new Promise((r) => setTimeout(r, 1100));
  await term.write('+++');
  await term.waitFor('OK\r\n', 10_000);
  await term.write('ATH\r');
  await term.waitFor('OK\r\n', 10_000);
  return ms;
}

test('telemetry: retained online status and state, discovery, state through a call, line messages, a call record without the number', async (t) => {
  const broker = await mosquitto();
  t.teardown(() => broker.stop());
  const d = daemon(t, broker, 'alpha', {}, { modem: { modulation: 'v21' } }); // V.21 forced (the factory is automode)
  const term = await terminal(t, d);
  await until(
    () => /telemetry: online/.test(d.log()),
    10_000,
    () => d.log(),
  );
  const w = await watch(t, broker.url);
  await w.wait('status online', (m) => m.topic === 'dialtone/alpha/status' && m.text === 'online');
  await w.wait('discovery published', (m) => m.topic === 'homeassistant/sensor/alpha/line_snr/config');
  // A dashboard that subscribes from now on gets status, state and discovery as retained messages.
  const fresh = await watch(t, broker.url);
  const status = await fresh.wait('retained status online', (m) => m.topic === 'dialtone/alpha/status');
  t.deepEqual(status, { topic: 'dialtone/alpha/status', text: 'online', retain: true });
  const state = await fresh.wait('retained state', (m) => m.topic === 'dialtone/alpha/state');
  t.true(state.retain);
  t.like(JSON.parse(state.text), { state: 'command', hook: 'on', mode: 'command', rate: null, modulation: 'v21' });

  const discovery = await fresh.wait('discovery', (m) => m.topic === 'homeassistant/sensor/alpha/state/config');
  t.true(discovery.retain);
  t.like(JSON.parse(discovery.text), {
    unique_id: 'dialtone_alpha_state',
    state_topic: 'dialtone/alpha/state',
    availability_topic: 'dialtone/alpha/status',
    device: { identifiers: ['dialtone_alpha'], name: 'Test alpha', manufacturer: 'Dialtone' },
  });
  await until(
    () => w.got.filter((m) => m.topic.startsWith('homeassistant/')).length >= 8,
    5000,
    () => 'eight discovery configs',
  );
  const connected = JSON.parse(w.got.find((m) => m.topic === 'homeassistant/binary_sensor/alpha/connected/config')!.text) as Record<string, unknown>;
  t.like(connected, { state_topic: 'dialtone/alpha/status', payload_on: 'online', device_class: 'connectivity' });

  await echoCall(term, 64);
  const online = await w.wait('state online at 300', (m) => m.topic === 'dialtone/alpha/state' && /"state":"online"/.test(m.text) && /"rate":300/.test(m.text));
  t.like(JSON.parse(online.text), { hook: 'off', mode: 'data', rate: 300 });
  const call = await w.wait('a call record', (m) => m.topic === 'dialtone/alpha/call');
  t.false(call.retain);
  const record = JSON.parse(call.text) as Record<string, unknown>;
  t.like(record, { direction: 'outgoing', numberClass: 'modem', modulation: 'v21', rate: 300, reason: 'hangup' });
  t.false('number' in record, 'numbers are not published unless configured');
  t.true((record.bytesToLine as number) >= 64 && (record.bytesFromLine as number) >= 64);
  t.true(w.json('dialtone/alpha/line').length >= 1, 'line quality during the call');
  // V.21: the receive level is measured; SNR and equaliser figures are the QAM receiver's (test below), null here.
  const fskLine = w.json('dialtone/alpha/line').find((l) => l.state === 'online');
  t.truthy(fskLine, 'a line message while online');
  t.true(Math.abs((fskLine!.rxLevelDbm0 as number) + 10) < 3, `receive level ${String(fskLine!.rxLevelDbm0)} dBm0 (sent at −10)`);
  t.like(fskLine, { snrDb: null, eqMse: null });
  await w.wait('state back to command', (m) => m.topic === 'dialtone/alpha/state' && /"state":"command"/.test(m.text) && w.got.indexOf(m) > w.got.indexOf(call));

  await term.write('ATDT5552000\r');
  await term.waitFor('BUSY', 30_000);
  const busy = await w.wait('a busy call record', (m) => m.topic === 'dialtone/alpha/call' && /BUSY/.test(m.text));
  t.like(JSON.parse(busy.text), { numberClass: 'busy', rate: null, connectedS: 0 });
  t.true(d.log().includes('modem: call ended: hangup (ATH: hung up by the DTE)'), 'the same reason in the log');

  // A handshake that fails says what was heard, in the log and in the call record alike (issue 18).
  await term.write('ATS7=12DT5552400\r'); // V.21 (forced here) meets a V.22bis answerer
  await term.waitFor('NO CARRIER', 60_000);
  const failed = await w.wait('the failed call record', (m) => m.topic === 'dialtone/alpha/call' && /"rate":null/.test(m.text) && /numberClass":"modem/.test(m.text));
  t.like(JSON.parse(failed.text), { reason: 'answer-tone-no-carrier', connectedS: 0 });
  await until(() => d.log().includes('call ended: answer-tone-no-carrier (answer tone but no carrier)'), 5000, () => d.log());
  t.regex(d.log(), /handshake failed after 12\.0 s \(S7=12\): answer tone but no carrier; heard: 2100 Hz answer tone \(V\.25\), V\.22 unscrambled ones/);
});

test('telemetry: the line topic during a V.22bis call carries the measured SNR, level, carrier offset, equaliser MSE and a BER estimate', async (t) => {
  const broker = await mosquitto();
  t.teardown(() => broker.stop());
  const w = await watch(t, broker.url);
  const d = daemon(t, broker, 'qam');
  const term = await terminal(t, d);
  await w.wait('status online', (m) => m.topic === 'dialtone/qam/status' && m.text === 'online');
  await term.write('AT+MS=V22B\r');
  await term.waitFor('OK\r\n', 5000);
  await term.write('ATDT5552400\r');
  await term.waitFor('CONNECT 2400', 30_000);
  const lines = (): Record<string, unknown>[] => w.json('dialtone/qam/line').filter((l) => l.state === 'online' && l.snrDb !== null);
  await until(() => lines().length >= 5, 30_000, () => JSON.stringify(w.json('dialtone/qam/line')));
  const l = lines()[lines().length - 1];
  t.log(JSON.stringify(l));
  t.true(Math.abs((l.snrDb as number) - 30) <= 2, `SNR ${String(l.snrDb)} dB against the channel model's 30 dB`);
  t.true(Math.abs((l.rxLevelDbm0 as number) + 10) < 3, 'receive level (one frame, sent at −10 dBm0)');
  t.true(Math.abs(l.carrierOffsetHz as number) < 1, 'no frequency offset on the simulated line');
  t.true((l.eqMse as number) < -30, 'equaliser MSE, dB');
  t.true((l.berEstimate as number) >= 0 && (l.berEstimate as number) < 1e-4, 'BER estimate');
  await hangUp(term);
  const call = await w.wait('a call record', (m) => m.topic === 'dialtone/qam/call');
  t.like(JSON.parse(call.text), { modulation: 'v22bis', rate: 2400, retrains: 0 }, 'a clean line: no retrain, counted (not null)');
});

test('telemetry: a V.22bis call on a poor line (8 dB) retrains, and its call record says how often', async (t) => {
  const broker = await mosquitto();
  t.teardown(() => broker.stop());
  const w = await watch(t, broker.url);
  const d = startTestDaemon({
    config: { device: { id: 'poor', name: 'Test poor' }, mqtt: { enabled: true, url: broker.url, lineIntervalMs: 200 }, exchange: { line: { snrDb: 8, bandLimit: true } } },
  });
  t.teardown(d.stop);
  const term = await terminal(t, d);
  await w.wait('status online', (m) => m.topic === 'dialtone/poor/status' && m.text === 'online');
  await term.write('AT+MS=V22B\r');
  await term.waitFor('OK\r\n', 5000);
  await term.write('ATDT5552400\r');
  await term.waitFor(/CONNECT \d+/, 60_000);
  // Errors at 2400 bit/s for 2 s start a retrain (dsp/qam/line-quality.ts); 30 s of line time leaves room for it.
  const lineS = (): number => Math.max(0, ...w.json('dialtone/poor/line').map((l) => l.lineS as number));
  const from = lineS();
  await until(() => lineS() - from >= 30, 120_000, () => `line time ${lineS()} s`);
  await hangUp(term);
  const call = JSON.parse((await w.wait('a call record', (m) => m.topic === 'dialtone/poor/call')).text) as Record<string, unknown>;
  t.log(JSON.stringify(call));
  t.true((call.retrains as number) >= 1, `retrains ${String(call.retrains)}`);
});

/** Escape to command mode (after the S12 guard time) and hang up. */
async function hangUp(term: Terminal): Promise<void> {
  await new Promise((r) => setTimeout(r, 1100));
  await term.write('+++');
  await term.waitFor('OK\r\n', 10_000);
  await term.write('ATH\r');
  await term.waitFor('OK\r\n', 10_000);
}

test('telemetry: a call record carries the number only when publishNumbers is set, and the pump\'s retrain count', (t) => {
  const record = {
    direction: 'outgoing' as const,
    number: '5551000',
    modulation: 'v21' as const,
    rate: 300,
    startedAt: 0,
    durationMs: 5000,
    connectedMs: 3000,
    bytesToLine: 1,
    bytesFromLine: 2,
    result: 'hangup',
    retrains: null,
  };
  const routes = { '5551000': { kind: 'modem' as const, modulation: 'v21' as const, host: 'echo' as const } };
  t.false('number' in callPayload(record, routes, false));
  t.is(callPayload(record, routes, true).number, '5551000');
  t.is(callPayload({ ...record, direction: 'incoming' }, routes, false).numberClass, 'incoming');
  t.is(callPayload({ ...record, number: '999' }, routes, false).numberClass, 'unrouted');
  t.is(callPayload(record, routes, false).retrains, null, 'an FSK call: its pump does not retrain');
  t.is(callPayload({ ...record, retrains: 2 }, routes, false).retrains, 2);
});

test('telemetry: the last will publishes offline when the daemon is killed; a clean stop publishes offline too', async (t) => {
  const broker = await mosquitto();
  t.teardown(() => broker.stop());
  const killed = daemon(t, broker, 'bravo');
  const stopped = daemon(t, broker, 'charlie');
  await Promise.all([killed.ready, stopped.ready]);
  const w = await watch(t, broker.url);
  await w.wait('bravo online', (m) => m.topic === 'dialtone/bravo/status' && m.text === 'online');
  await w.wait('charlie online', (m) => m.topic === 'dialtone/charlie/status' && m.text === 'online');
  killed.child.kill('SIGKILL');
  const will = await w.wait('bravo offline (last will)', (m) => m.topic === 'dialtone/bravo/status' && m.text === 'offline', 10_000);
  t.is(will.text, 'offline');
  stopped.child.kill('SIGTERM');
  t.is(await stopped.exited, 0);
  await w.wait('charlie offline', (m) => m.topic === 'dialtone/charlie/status' && m.text === 'offline', 10_000);
  // Retained: a dashboard that connects now still sees both offline.
  const late = await watch(t, broker.url);
  await late.wait('retained bravo offline', (m) => m.topic === 'dialtone/bravo/status' && m.text === 'offline' && m.retain);
  await late.wait('retained charlie offline', (m) => m.topic === 'dialtone/charlie/status' && m.text === 'offline' && m.retain);
});

test('telemetry: after the broker restarts (retained messages lost) the daemon reconnects and publishes status, discovery and state again', async (t) => {
  const broker = await mosquitto();
  t.teardown(() => broker.stop());
  const d = daemon(t, broker, 'delta');
  await d.ready;
  const w1 = await watch(t, broker.url);
  await w1.wait('online', (m) => m.topic === 'dialtone/delta/status' && m.text === 'online');
  await broker.stop();
  await until(
    () => /telemetry: offline/.test(d.log()),
    10_000,
    () => `the daemon noticing: ${d.log()}`,
  );
  await broker.start();
  const w2 = await watch(t, broker.url);
  await w2.wait('online again', (m) => m.topic === 'dialtone/delta/status' && m.text === 'online', 15_000);
  await w2.wait('state again', (m) => m.topic === 'dialtone/delta/state');
  await w2.wait('discovery again', (m) => m.topic === 'homeassistant/sensor/delta/state/config');
  // And retained: a dashboard connecting now gets them at once.
  const w3 = await watch(t, broker.url);
  for (const topic of ['dialtone/delta/status', 'dialtone/delta/state', 'homeassistant/sensor/delta/state/config'])
    await w3.wait(`retained ${topic}`, (m) => m.topic === topic && m.retain, 5000);
  t.pass();
});

test.serial('telemetry: calls run at full speed while the broker is frozen or gone, and queued records arrive when it returns', async (t) => {
  // Baseline: telemetry off; the second call, once the daemon's code is warm.
  const base = daemon(t, null, 'echo0');
  const baseTerm = await terminal(t, base);
  await echoCall(baseTerm, 20);
  const baseMs = await echoCall(baseTerm, 200);

  // A broker that holds the TCP connection but answers nothing: publishes are not acknowledged.
  const broker = await mosquitto();
  t.teardown(() => broker.stop());
  const d = daemon(t, broker, 'echo1', { queueLimit: 5 });
  const term = await terminal(t, d);
  const w = await watch(t, broker.url);
  await w.wait('online', (m) => m.topic === 'dialtone/echo1/status' && m.text === 'online');
  await echoCall(term, 20);
  broker.freeze();
  const frozenMs = await echoCall(term, 200);
  broker.thaw();
  const rec = await w.wait('the call record, after the thaw', (m) => m.topic === 'dialtone/echo1/call', 20_000);
  t.like(JSON.parse(rec.text), { reason: 'hangup', rate: 300 });

  // A broker that is gone: connection refused, the daemon keeps retrying in the background.
  await broker.stop();
  await until(
    () => /telemetry: offline/.test(d.log()),
    10_000,
    () => d.log(),
  );
  const goneMs = await echoCall(term, 200);
  t.log(
    `echo call with 200 bytes: ${baseMs.toFixed(0)} ms without telemetry, ${frozenMs.toFixed(0)} ms with the broker frozen, ${goneMs.toFixed(0)} ms with it gone`,
  );
  // A modem waiting on the broker would not finish at all while it is frozen (it never acknowledges); the margin is
  // for a machine busy with other tests, whose scheduling alone has stretched a 100 ms call to 2.5 s.
  t.true(frozenMs < baseMs * 2 + 10_000, 'frozen broker: no stall');
  t.true(goneMs < baseMs * 2 + 10_000, 'broker gone: no stall');
});

test('telemetry: with no broker configured the daemon runs its own; a dashboard subscribes there', async (t) => {
  const d = startTestDaemon({
    config: { device: { id: 'solo', name: 'Test solo' }, mqtt: { enabled: true, url: null, broker: { listen: '127.0.0.1', port: 0 } } },
  });
  t.teardown(d.stop);
  const term = await terminal(t, d);
  const line = await until(
    () => /Telemetry: (mqtt:\/\/127\.0\.0\.1:\d+) \(embedded broker\), topics dialtone\/solo\/#/.exec(d.stdout()),
    10_000,
    () => d.stdout() + d.log(),
  );
  const w = await watch(t, line[1]);
  const status = await w.wait('retained status online', (m) => m.topic === 'dialtone/solo/status');
  t.deepEqual(status, { topic: 'dialtone/solo/status', text: 'online', retain: true });
  await echoCall(term, 50);
  const call = await w.wait('call record', (m) => m.topic === 'dialtone/solo/call');
  t.is((JSON.parse(call.text) as { rate: number }).rate, 300);
});

test("telemetry: the embedded broker's port already taken: a clear message, and the modem works without telemetry", async (t) => {
  const { createServer } = await import('node:net');
  const squatter = createServer();
  await new Promise<void>((r) => squatter.listen(0, '127.0.0.1', r));
  t.teardown(() => new Promise<void>((r) => squatter.close(() => r())));
  const port = (squatter.address() as { port: number }).port;
  const d = startTestDaemon({ config: { mqtt: { enabled: true, url: null, broker: { listen: '127.0.0.1', port } } } });
  t.teardown(d.stop);
  const term = await terminal(t, d);
  t.regex(d.log(), new RegExp(`embedded broker cannot listen on 127\\.0\\.0\\.1:${port} \\(EADDRINUSE\\).*set mqtt\\.url.*telemetry off`));
  t.notRegex(d.stdout(), /Telemetry:/);
  await echoCall(term, 20);
});
