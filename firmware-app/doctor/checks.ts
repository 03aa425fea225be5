import { accessSync, constants, existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { CharDevGpioChip, HEADER_CHIP_LABELS } from '../../hal/gpio/chardev-chip.ts';
import { probeGpio } from '../../hal/gpio/open-chip.ts';
import { PIN_SECTIONS } from '../pin-map.ts';
import type { DialtoneConfig } from '../../config/schema.ts';
import type { DoctorCheck, DoctorContext, Finding } from './doctor.ts';
import { DAEMON_CHECK } from './daemon-check.ts';
import { INTERNET_CHECKS } from './internet-checks.ts';
import { LINE_CHECKS } from './line-checks.ts';
import { MQTT_CHECK } from './mqtt-check.ts';

/** Group names of a user, from /etc/group (the primary group included). */
export function userGroups(user: string, gid: number, groupFile = '/etc/group'): string[] {
  const out: string[] = [];
  let text = '';
  try {
    text = readFileSync(groupFile, 'utf8');
  } catch {
    return out;
  }
  for (const line of text.split('\n')) {
    const [name, , id, members] = line.split(':');
    if (!name) continue;
    if (Number(id) === gid || (members ?? '').split(',').includes(user)) out.push(name);
  }
  return out;
}

function readWrite(path: string): boolean {
  try {
    accessSync(path, constants.R_OK | constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** Advice for a device the user cannot open, by the group that owns such devices on Raspberry Pi OS. */
function groupFix(ctx: DoctorContext, group: string): string {
  return ctx.groups.includes(group)
    ? `the user is in ${group} but cannot open it: check the device's group and mode (ls -l), or log in again`
    : `add the service user to the ${group} group (sudo usermod -aG ${group} dialtone; log in again) - the systemd unit already runs with it`;
}

function serialFindings(ctx: DoctorContext): Finding[] {
  const s = ctx.cfg.serial;
  if (s.backend === 'pty') {
    const built = existsSync(join(import.meta.dirname, '../../build/Release/pty.node'));
    return [
      built
        ? { verdict: 'ok', what: `simulation: a pseudo-terminal linked at ${s.link}` }
        : { verdict: 'fail', what: 'the pseudo-terminal addon is not built', fix: 'npm ci (needs a C compiler: apt-get install build-essential)' },
    ];
  }
  const dev = s.device ?? '/dev/serial0';
  if (!existsSync(dev)) {
    return [
      {
        verdict: 'fail',
        what: `${dev} does not exist`,
        fix: 'enable the UART: enable_uart=1 in config.txt, and remove console=serial0 from cmdline.txt; reboot',
      },
    ];
  }
  const out: Finding[] = [];
  const real = realpathSync(dev);
  if (!statSync(real).isCharacterDevice()) out.push({ verdict: 'fail', what: `${dev} → ${real} is not a character device` });
  else out.push({ verdict: 'ok', what: `${dev} → ${real}` });
  if (/ttyS0$/.test(real))
    out.push({
      verdict: 'warn',
      what: `${real} is the mini UART: its speed follows the core clock, and it has no CTS/RTS`,
      fix: 'dtoverlay=disable-bt (or miniuart-bt) in config.txt puts the PL011 (ttyAMA0) on GPIO 14/15',
    });
  if (!readWrite(real)) out.push({ verdict: 'fail', what: `${real} is not readable and writable by uid ${ctx.uid}`, fix: groupFix(ctx, 'dialout') });
  if (s.rtscts)
    out.push({
      verdict: 'ok',
      what: 'RTS/CTS on the UART: make sure GPIO 16/17 are in ALT3 (dtoverlay=uart0,ctsrts or gpio=16,17=a3; Pi 5: uart0-pi5,ctsrts) and the DTE drives RTS',
    });
  return out;
}

async function tcpFindings(ctx: DoctorContext): Promise<Finding[]> {
  const { host, port } = ctx.cfg.serial.tcp ?? { host: '127.0.0.1', port: 2323 };
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      resolve([
        {
          verdict: 'fail',
          what: `cannot listen on ${host}:${port} (${err.code ?? err.message})`,
          fix: err.code === 'EADDRINUSE' ? `stop what uses the port (ss -ltnp 'sport = :${port}') or choose serial.tcp.port` : 'check serial.tcp.host',
        },
      ]),
    );
    server.listen(port, host, () => server.close(() => resolve([{ verdict: 'ok', what: `TCP port ${host}:${port} is free (emulators connect there)` }])));
  });
}

/** Pins the configuration gives out, with the section that uses each. */
function configuredPins(cfg: DialtoneConfig): { pin: number; what: string }[] {
  const out: { pin: number; what: string }[] = [];
  for (const s of PIN_SECTIONS) {
    if (!s.active(cfg)) continue;
    for (const [name, pin] of Object.entries(s.pins(cfg) ?? {})) if (pin !== undefined) out.push({ pin, what: `${s.path[0]}.${name}` });
  }
  return out;
}

function gpioFindings(ctx: DoctorContext): Finding[] {
  const cfg = ctx.cfg;
  const p = probeGpio({ devDir: ctx.devDir, sysfsRoot: ctx.sysfsGpio });
  const out: Finding[] = [];
  const backend = cfg.gpio?.backend ?? 'auto';
  if (backend === 'fake') return [{ verdict: 'warn', what: 'gpio.backend is fake: LEDs and control lines are simulated', fix: 'gpio.backend: auto on a Pi' }];
  const chips = p.chardev.map((c) => `${c.path} (${c.label}, ${c.lines} lines)`);
  if (chips.length) out.push({ verdict: 'ok', what: `character devices: ${chips.join(', ')}` });
  if (p.sysfs.length) out.push({ verdict: 'ok', what: `sysfs chips: ${p.sysfs.map((c) => `${c.label} base ${c.base}`).join(', ')}` });
  if (p.addonError) out.push({ verdict: 'warn', what: p.addonError, fix: 'npm ci' });
  const path = cfg.gpio?.chip ?? (p.choice?.startsWith('chardev:') ? p.choice.slice(8) : null);
  if (backend !== 'sysfs' && path) {
    if (!existsSync(path))
      return [
        ...out,
        { verdict: 'fail', what: `${path} does not exist`, fix: 'gpioinfo lists the chips; set gpio.chip (or null to find the header chip by its label)' },
      ];
    if (!readWrite(path)) return [...out, { verdict: 'fail', what: `${path} is not readable and writable by uid ${ctx.uid}`, fix: groupFix(ctx, 'gpio') }];
    let chip: CharDevGpioChip;
    try {
      chip = new CharDevGpioChip(path);
    } catch (err) {
      return [...out, { verdict: 'fail', what: (err as Error).message }];
    }
    try {
      for (const { pin, what } of configuredPins(cfg)) {
        const user = pin < chip.lines ? chip.lineUser(pin) : 'out of range';
        out.push(
          user
            ? {
                verdict: 'fail',
                what: `BCM ${pin} (${what}) on ${path}: ${user === 'out of range' ? 'no such line' : `in use by ${user}`}`,
                fix: 'free the pin (a dtoverlay, another program: gpioinfo) or choose another in the pin map',
              }
            : { verdict: 'ok', what: `BCM ${pin} (${what}) is free on ${path}` },
        );
      }
    } finally {
      chip.close();
    }
    return out;
  }
  if (backend !== 'chardev' && p.choice === 'sysfs') {
    const exportFile = join(ctx.sysfsGpio, 'export');
    if (!readWrite(exportFile)) out.push({ verdict: 'fail', what: `${exportFile} is not writable by uid ${ctx.uid}`, fix: groupFix(ctx, 'gpio') });
    else out.push({ verdict: 'ok', what: `sysfs GPIO through onoff (deprecated: the character device is preferred where the kernel has it)` });
    return out;
  }
  return [
    ...out,
    {
      verdict: 'fail',
      what: `no GPIO chip for the 40-pin header (${HEADER_CHIP_LABELS.join(', ')})`,
      fix: 'run on a Raspberry Pi, or set leds.backend: terminal and controlLines.backend: simulated',
    },
  ];
}

/** The checks `dialtone doctor` runs, in order. Add a check here (audio, Bluetooth) to extend the doctor. */
export const DOCTOR_CHECKS: DoctorCheck[] = [
  DAEMON_CHECK,
  { name: 'serial', applies: (c) => c.serial.backend !== 'tcp', run: serialFindings },
  { name: 'serial', applies: (c) => c.serial.backend === 'tcp', run: tcpFindings },
  { name: 'gpio', applies: (c) => c.leds.backend === 'gpio' || c.controlLines?.backend === 'gpio' || c.line.backend === 'soundcard', run: gpioFindings },
  ...LINE_CHECKS,
  MQTT_CHECK,
  ...INTERNET_CHECKS,
];
