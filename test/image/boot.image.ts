// `npm run test:image`: boots the card `npm run image` built in an emulated arm64 machine and uses it as the vintage
// computer would: AT on the PL011 UART until OK, a call through the exchange inside the VM, the data echoed back,
// telemetry over MQTT through a forwarded port; then a second boot with a broken dialtone.yaml on the boot partition.
// Prints the timing table docs/image.md carries. Run with node's test runner (not part of `npm test`).
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import net from 'node:net';
import { join, resolve } from 'node:path';
import { after, test } from 'node:test';
import mqtt from 'mqtt';
import { loadCard, Vm } from './vm.ts';

const REPO = resolve(import.meta.dirname, '../..');
const OUT = process.env.DIALTONE_IMAGE_DIR ?? join(REPO, 'run/image');
const WORK = join(OUT, 'boot');
const BOOT_TIMEOUT_S = Number(process.env.DIALTONE_BOOT_TIMEOUT_S ?? 900);

const rows: [string, string][] = [];
const vms: Vm[] = [];
after(() => {
  vms.forEach((v) => v.kill());
  if (rows.length) {
    const w = Math.max(...rows.map((r) => r[0].length));
    console.log(`\n| ${'measure'.padEnd(w)} | value |\n|${'-'.repeat(w + 2)}|-------|`);
    for (const [k, v] of rows) console.log(`| ${k.padEnd(w)} | ${v} |`);
  }
});

function freePort(): Promise<number> {
  return new Promise((r) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => r(port));
    });
  });
}

// The DTE on the VM's PL011; telemetry's embedded broker reachable from outside the VM (qemu's user network only).
const GOOD_YAML = `# the boot test's configuration, handed over on the boot partition
serial: { backend: serialport, device: /dev/ttyAMA0, rtscts: false }
leds: { backend: none }
clock: realtime
mqtt:
  enabled: true
  broker: { listen: 0.0.0.0, port: 1883 }
device: { id: vmtest }
`;
const BROKEN_YAML = `serial: { backend: serialport, device: /dev/ttyAMA0 }
modem:
  modulaton: v21
leds: { backend: blinkenlights }
`;

function card() {
  assert.ok(existsSync(join(OUT, 'layout.env')), `no image in ${OUT}: run \`npm run image\` first`);
  mkdirSync(WORK, { recursive: true });
  return loadCard(OUT);
}

async function cpuBetween(vm: Vm, seconds: number): Promise<{ cpuPct: number; rssKb: number }> {
  const a = await vm.daemonSample();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const b = await vm.daemonSample();
  assert.equal(a.pid, b.pid, 'the daemon did not restart while measured');
  return { cpuPct: ((b.ticks - a.ticks) / a.hz / (b.uptimeS - a.uptimeS)) * 100, rssKb: b.rssKb };
}

test('boot with a dialtone.yaml on the boot partition: OK on the PL011, a V.21 call with its data echoed, MQTT status', async () => {
  const vm = new Vm(card(), 'good', WORK);
  vms.push(vm);
  const mqttPort = await freePort();
  await vm.powerOn({ bootYaml: GOOD_YAML, mqttPort });
  const okS = await vm.bootToOk(BOOT_TIMEOUT_S);
  assert.ok(okS !== null, `no OK on the UART within ${BOOT_TIMEOUT_S} s\n${vm.console().slice(-4000)}`);
  rows.push(['boot 1 (valid dialtone.yaml): power-on to first OK', `${okS.toFixed(1)} s`]);
  assert.ok(await vm.shellReady(120), 'the debug shell on hvc1 answers');

  // The hand-off: the file was checked and installed.
  assert.match(await vm.sh('cat /etc/dialtone/dialtone.yaml'), /device: \{ id: vmtest \}/);
  assert.match(await vm.sh('ls /boot/firmware'), /dialtone\.yaml\.applied/);

  // Telemetry through the forwarded port.
  const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${mqttPort}`, { connectTimeout: 30_000, reconnectPeriod: 0 });
  const seen = new Map<string, string>();
  client.on('message', (topic, payload) => seen.set(topic, payload.toString()));
  await client.subscribeAsync(['dialtone/vmtest/status', 'dialtone/vmtest/state', 'dialtone/vmtest/call']);
  const waitFor = async (topic: string, test: (s: string) => boolean, ms: number) => {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      const v = seen.get(topic);
      if (v !== undefined && test(v)) return v;
      await new Promise((r) => setTimeout(r, 200));
    }
    return seen.get(topic);
  };
  assert.equal(await waitFor('dialtone/vmtest/status', (s) => s === 'online', 30_000), 'online');

  const idle = await cpuBetween(vm, 20);
  rows.push(['daemon idle: RSS', `${(idle.rssKb / 1024).toFixed(1)} MiB`], ['daemon idle: CPU (of one emulated core)', `${idle.cpuPct.toFixed(1)} %`]);

  // A call through the exchange in the VM: V.21 to the echo host.
  vm.dte.take();
  vm.dte.write('AT+MS=V21\r');
  assert.ok(await vm.dte.expect(/\r\nOK\r\n/, 10_000), `AT+MS=V21: ${vm.dte.take()}`);
  const dialAt = performance.now();
  vm.dte.write('ATDT5551000\r');
  const connect = await vm.dte.expect(/\r\n(CONNECT[^\r]*|NO CARRIER|BUSY|NO ANSWER|ERROR)\r\n/, 120_000);
  assert.ok(connect, `no result code after ATDT5551000: ${vm.dte.take()}`);
  assert.match(connect[1], /^CONNECT/);
  rows.push(['ATDT5551000 to CONNECT (V.21)', `${((performance.now() - dialAt) / 1000).toFixed(1)} s`]);
  const sample = 'Dialtone boot test 0123456789\r';
  for (const ch of sample) {
    vm.dte.write(ch);
    await new Promise((r) => setTimeout(r, 40)); // 300 bit/s: about 30 characters a second
  }
  assert.ok(await vm.dte.expect(/Dialtone boot test 0123456789/, 30_000), `the echo host's reply: ${JSON.stringify(vm.dte.take())}`);
  const state = await waitFor('dialtone/vmtest/state', (s) => /"state":"(online|data)"/.test(s) || /"rate":300/.test(s), 20_000);
  assert.ok(state && /"rate":300/.test(state), `state during the call: ${state}`);
  const call = await cpuBetween(vm, 20);
  rows.push(
    ['daemon in a V.21 call: RSS', `${(call.rssKb / 1024).toFixed(1)} MiB`],
    ['daemon in a V.21 call: CPU (of one emulated core)', `${call.cpuPct.toFixed(1)} %`],
  );
  await new Promise((r) => setTimeout(r, 1200));
  vm.dte.write('+++');
  assert.ok(await vm.dte.expect(/\r\nOK\r\n/, 10_000), `+++: ${vm.dte.take()}`);
  vm.dte.write('ATH\r');
  assert.ok(await vm.dte.expect(/\r\nOK\r\n/, 10_000), `ATH: ${vm.dte.take()}`);
  assert.ok(await waitFor('dialtone/vmtest/call', (s) => s.includes('"modulation"'), 20_000), 'a call record on dialtone/vmtest/call');
  await client.endAsync();

  const offS = await vm.powerOff();
  assert.ok(offS !== null, 'systemctl poweroff ends the VM');
  rows.push(['poweroff to VM exit', `${offS.toFixed(1)} s`]);
});

test('boot with a broken dialtone.yaml: the image defaults answer AT, the errors are left beside the file', async () => {
  const vm = new Vm(card(), 'broken', WORK);
  vms.push(vm);
  await vm.powerOn({ bootYaml: BROKEN_YAML, mqttPort: await freePort() });
  const okS = await vm.bootToOk(BOOT_TIMEOUT_S);
  assert.ok(okS !== null, `no OK on the UART within ${BOOT_TIMEOUT_S} s\n${vm.console().slice(-4000)}`);
  rows.push(['boot 2 (broken dialtone.yaml): power-on to first OK', `${okS.toFixed(1)} s`]);
  assert.ok(await vm.shellReady(120), 'the debug shell on hvc1 answers');
  const errors = await vm.sh('cat /boot/firmware/dialtone.yaml.errors');
  assert.match(errors, /modem\.modulaton: found an unknown key/);
  assert.match(errors, /leds\.backend/);
  assert.doesNotMatch(await vm.sh('cat /etc/dialtone/dialtone.yaml'), /blinkenlights/);
  assert.ok((await vm.powerOff()) !== null, 'systemctl poweroff ends the VM');
  // The card keeps what a user reads on another computer.
  assert.match(vm.bootFile('dialtone.yaml.errors') ?? '', /modulaton/);
  assert.ok(vm.bootFiles().includes('dialtone.yaml'), 'the broken file stays for fixing');
});
