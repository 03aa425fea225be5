import { CharDevGpioChip, HEADER_CHIP_LABELS, listCharDevChips, loadGpioAddon } from './chardev-chip.ts';
import type { GpioChipAddon } from './chardev-chip.ts';
import { FakeGpioChip } from './fake-chip.ts';
import { GpioError } from './gpio.ts';
import type { GpioChip } from './gpio.ts';
import type { GpioConfig } from '../../config/schema.ts';
import { listSysfsChips, SYSFS_GPIO, SysfsGpioChip } from './sysfs-chip.ts';

export type { GpioConfig } from '../../config/schema.ts';
export type GpioBackend = GpioConfig['backend'];

/** Where to look (tests point these at a scratch directory). */
export interface GpioProbeEnv {
  devDir?: string;
  sysfsRoot?: string;
  addon?: GpioChipAddon;
}

export interface GpioProbe {
  chardev: { path: string; label: string; lines: number }[];
  /** Why the character-device addon cannot be used, if it cannot. */
  addonError: string | null;
  sysfs: { label: string; base: number; ngpio: number }[];
  /** What `auto` would open: 'chardev:/dev/gpiochip0', 'sysfs', or null. */
  choice: string | null;
}

/** What this machine offers; `auto` prefers the character device (the durable interface) to sysfs. */
export function probeGpio(env: GpioProbeEnv = {}): GpioProbe {
  let addon: GpioChipAddon | null = env.addon ?? null;
  let addonError: string | null = null;
  if (!addon) {
    try {
      addon = loadGpioAddon();
    } catch (err) {
      addonError = (err as Error).message;
    }
  }
  const chardev = addon ? listCharDevChips(addon, env.devDir) : [];
  const sysfs = listSysfsChips(env.sysfsRoot ?? SYSFS_GPIO).map(({ label, base, ngpio }) => ({ label, base, ngpio }));
  const header = chardev.find((c) => HEADER_CHIP_LABELS.includes(c.label));
  const choice = header ? `chardev:${header.path}` : sysfs.some((c) => HEADER_CHIP_LABELS.includes(c.label)) ? 'sysfs' : null;
  return { chardev, addonError, sysfs, choice };
}

/** Open the GPIO chip the configuration names, probing for `auto`. Throws GpioError with what was found. */
export function openGpioChip(cfg: GpioConfig, env: GpioProbeEnv = {}): GpioChip {
  switch (cfg.backend) {
    case 'fake':
      return new FakeGpioChip();
    case 'sysfs':
      return new SysfsGpioChip(env.sysfsRoot);
    case 'chardev':
      if (cfg.chip) return new CharDevGpioChip(cfg.chip, env.addon);
      break;
    case 'auto':
      if (cfg.chip) return new CharDevGpioChip(cfg.chip, env.addon);
  }
  const p = probeGpio(env);
  if (p.choice?.startsWith('chardev:')) return new CharDevGpioChip(p.choice.slice(8), env.addon);
  if (cfg.backend === 'auto' && p.choice === 'sysfs') return new SysfsGpioChip(env.sysfsRoot);
  const seen = [...p.chardev.map((c) => `${c.path} (${c.label})`), ...p.sysfs.map((c) => `sysfs ${c.label} base ${c.base}`)];
  throw new GpioError(
    `no GPIO chip for the 40-pin header (${HEADER_CHIP_LABELS.join(', ')}) found` +
      (seen.length ? `; found ${seen.join(', ')}` : '; no /dev/gpiochip* and no /sys/class/gpio') +
      (p.addonError ? `; ${p.addonError}` : ''),
  );
}
