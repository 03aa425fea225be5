import { spawnSync } from 'node:child_process';
import type { DialtoneConfig } from '../../config/schema.ts';
import { audioDefaults } from '../line-factory.ts';
import type { DoctorCheck, DoctorContext, Finding } from './doctor.ts';

/** `dialtone doctor` for the telephone line: alsa-utils, the sound card's PCM, oFono, the phone, BlueALSA. */
function audioFindings(ctx: DoctorContext): Finding[] {
  const out: Finding[] = [];
  for (const prog of ['arecord', 'aplay']) {
    const r = spawnSync(prog, ['--version'], { encoding: 'utf8' });
    if (r.error) out.push({ verdict: 'fail', what: `${prog} is not installed`, fix: 'apt-get install alsa-utils' });
  }
  if (out.length) return out;
  if (!ctx.groups.includes('audio') && ctx.uid !== 0)
    out.push({ verdict: 'warn', what: 'the user is not in the audio group', fix: 'sudo usermod -aG audio dialtone (the systemd unit already runs with it)' });
  if (ctx.cfg.line.backend !== 'soundcard') return out; // BlueALSA's SCO PCM only opens during a call
  const { capture, rate } = audioDefaults(ctx.cfg);
  // 160 samples from the card: the device exists, accepts the format and rate, and is not held by another program.
  const r = spawnSync('arecord', ['-q', '-D', capture, '-t', 'raw', '-f', 'S16_LE', '-c', '1', '-r', String(rate), '-s', '160'], {
    encoding: 'utf8',
    timeout: 3000,
  });
  if (r.status === 0) out.push({ verdict: 'ok', what: `${capture} records at ${rate} Hz` });
  else
    out.push({
      verdict: 'fail',
      what: `${capture} does not record at ${rate} Hz: ${(r.stderr || r.error?.message || '').trim().split('\n').pop()}`,
      fix: 'arecord -l lists the cards; set line.audio.capture/playback (e.g. plughw:CARD=Device) and line.audio.rate (48000 for most USB cards)',
    });
  return out;
}

async function bluetoothFindings(ctx: DoctorContext): Promise<Finding[]> {
  const bt = ctx.cfg.line.bluetooth;
  const out: Finding[] = [];
  if (!ctx.groups.includes('bluetooth') && ctx.uid !== 0)
    out.push({
      verdict: 'warn',
      what: 'the user is not in the bluetooth group',
      fix: 'sudo usermod -aG bluetooth dialtone (the systemd unit already runs with it)',
    });
  const { OfonoClient } = await import('../../hal/line/ofono.ts'); // D-Bus code only when checked
  const ofono = new OfonoClient(bt.dbusAddress);
  try {
    await ofono.connection();
  } catch (err) {
    out.push({
      verdict: 'fail',
      what: `no D-Bus: ${(err as Error).message}`,
      fix: bt.dbusAddress ? 'check line.bluetooth.dbusAddress' : 'apt-get install dbus && systemctl enable --now dbus (oFono and BlueALSA need the system bus)',
    });
    return out;
  }
  try {
    const phone = await ofonoFindings(ofono, bt.phone);
    out.push(...phone);
    if (phone[0].what === OFONO_MISSING) return out;
    out.push(
      (await ofono.hasOwner('org.bluealsa'))
        ? { verdict: 'ok', what: 'BlueALSA is running' }
        : {
            verdict: 'fail',
            what: 'BlueALSA is not running (no SCO audio)',
            fix: 'apt-get install bluez-alsa-utils; run bluealsa -p hfp-ofono (docs/hardware.md has the systemd drop-in)',
          },
    );
  } catch (err) {
    out.push({ verdict: 'fail', what: `D-Bus: ${(err as Error).message}`, fix: 'is dbus running? (systemctl status dbus)' });
  } finally {
    ofono.close();
  }
  return out;
}

const OFONO_MISSING = 'oFono is not running';

/** oFono on the bus, and the configured phone among its hands-free modems. */
async function ofonoFindings(ofono: import('../../hal/line/ofono.ts').OfonoClient, phone: string | null): Promise<Finding[]> {
  if (!(await ofono.hasOwner('org.ofono'))) return [{ verdict: 'fail', what: OFONO_MISSING, fix: 'apt-get install ofono && systemctl enable --now ofono' }];
  const want = phone?.toUpperCase().replace(/:/g, '_');
  const modems = (await ofono.modems()).filter((m) => m.type === 'hfp' || m.interfaces.includes('org.ofono.VoiceCallManager'));
  const mine = modems.find((m) => !want || m.path.toUpperCase().includes(want));
  if (!mine)
    return [
      {
        verdict: 'fail',
        what: phone ? `oFono has no hands-free link to ${phone}` : 'oFono has no hands-free phone',
        fix: 'pair, trust and connect the phone with bluetoothctl (docs/hardware.md, *Bluetooth phone*); is Bluetooth on on the phone?',
      },
    ];
  if (!mine.interfaces.includes('org.ofono.VoiceCallManager'))
    return [{ verdict: 'warn', what: `${mine.name || mine.path} is paired but not connected for calls`, fix: `bluetoothctl connect ${phone ?? '<address>'}` }];
  return [{ verdict: 'ok', what: `phone ${mine.name || mine.path} ready for calls through oFono` }];
}

export const LINE_CHECKS: DoctorCheck[] = [
  { name: 'audio', applies: (c: DialtoneConfig) => c.line.backend !== 'simulated' && c.line.audio.backend === 'alsa', run: audioFindings },
  { name: 'bluetooth', applies: (c: DialtoneConfig) => c.line.backend === 'bluetooth', run: bluetoothFindings },
];
