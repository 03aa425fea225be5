import test from 'ava';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../firmware-app/config.ts';
import { LINE_CHECKS } from '../../firmware-app/doctor/line-checks.ts';
import type { DoctorContext, Finding } from '../../firmware-app/doctor/doctor.ts';
import { makeAlsaRig } from '../hal/audio/alsa-rig.ts';
import { FakeOfono, PrivateBus } from '../hal/line/fake-ofono.ts';

/** Runs one of the line's doctor checks (it must apply to the configuration). */
async function run(name: string, cfg: ReturnType<typeof loadConfig>): Promise<Finding[]> {
  const ctx: DoctorContext = { cfg, groups: ['audio', 'bluetooth'], uid: 1000, devDir: '/dev', sysfsGpio: '/sys/class/gpio' };
  const check = LINE_CHECKS.find((c) => c.name === name)!;
  if (!check.applies(cfg)) throw new Error(`the ${name} check does not apply`);
  return check.run(ctx);
}

test.serial('bluetooth: the phone oFono offers is found, a missing BlueALSA and a wrong phone are failures with a fix', async (t) => {
  const bus = await PrivateBus.start();
  const phone = await FakeOfono.start(bus.address);
  t.teardown(async () => {
    phone.stop();
    await bus.stop();
  });
  const good = await run(
    'bluetooth',
    loadConfig(undefined, { line: { backend: 'bluetooth', bluetooth: { phone: '00:11:22:33:44:55', dbusAddress: bus.address } } }),
  );
  t.deepEqual(
    good.map((f) => f.verdict),
    ['ok', 'fail'],
  );
  t.regex(good[0].what, /Test Phone ready for calls/);
  t.regex(good[1].fix!, /bluealsa -p hfp-ofono/);
  const wrong = await run(
    'bluetooth',
    loadConfig(undefined, { line: { backend: 'bluetooth', bluetooth: { phone: '66:77:88:99:AA:BB', dbusAddress: bus.address } } }),
  );
  t.regex(wrong[0].what, /no hands-free link to 66:77:88:99:AA:BB/);
  t.regex(wrong[0].fix!, /bluetoothctl/);
});

test.serial('bluetooth: no oFono on the bus', async (t) => {
  const bus = await PrivateBus.start();
  t.teardown(() => bus.stop());
  const f = await run('bluetooth', loadConfig(undefined, { line: { backend: 'bluetooth', bluetooth: { dbusAddress: bus.address } } }));
  t.deepEqual(f, [{ verdict: 'fail', what: 'oFono is not running', fix: 'apt-get install ofono && systemctl enable --now ofono' }]);
});

test.serial('audio: the sound card PCM records at its rate, or the failure names it', async (t) => {
  const rig = makeAlsaRig();
  t.teardown(rig.cleanup);
  writeFileSync(join(rig.dir, 'source.raw'), Buffer.alloc(9600));
  process.env.ALSA_CONFIG_PATH = rig.env.ALSA_CONFIG_PATH;
  const ok = await run('audio', loadConfig(undefined, { line: { backend: 'soundcard', audio: { capture: 'source', playback: 'sink' } } }));
  t.deepEqual(ok, [{ verdict: 'ok', what: 'source records at 48000 Hz' }]);
  const bad = await run('audio', loadConfig(undefined, { line: { backend: 'soundcard', audio: { capture: 'nocard', playback: 'nocard' } } }));
  t.is(bad[0].verdict, 'fail');
  t.regex(bad[0].what, /nocard does not record at 48000 Hz/);
});
