/**
 * Backend selection: the configuration picks real or simulated parts, and the rest of the program cannot tell them
 * apart. The configuration's types come from config/ (below hal/ and firmware-app/ both).
 */
import type { DialtoneConfig } from '../config/schema.ts';
import type { GpioChip } from './gpio/gpio.ts';
import type { LedPanel } from './leds/led-panel.ts';
import { TerminalLedPanel } from './leds/terminal-panel.ts';
import type { GpioControlLines } from './lines/gpio-control-lines.ts';
import type { DtePort } from './serial/dte-port.ts';
import { PtyPort } from './serial/pty-port.ts';

// The real backends are imported when configured: serialport and the GPIO code stay out of a simulation's start-up.

/** The sections this factory reads; gpio (auto) and controlLines (simulated) may be left out. */
export type HardwareConfig = Pick<DialtoneConfig, 'serial' | 'leds'> & Partial<Pick<DialtoneConfig, 'gpio' | 'controlLines'>>;

export interface Hardware {
  port: DtePort;
  leds?: LedPanel;
  /** The GPIO chip, opened on first use (LEDs, control lines, a line interface's hook relay). */
  gpio(): Promise<GpioChip>;
  close(): void;
}

export async function openHardware(cfg: HardwareConfig, log: (line: string) => void = () => {}): Promise<Hardware> {
  let chip: GpioChip | null = null;
  const gpio = async (): Promise<GpioChip> => (chip ??= (await import('./gpio/open-chip.ts')).openGpioChip(cfg.gpio ?? { backend: 'auto' }));
  const closers: (() => void)[] = [];
  const close = (): void => {
    for (const c of closers.splice(0).reverse()) c();
    chip?.close();
  };
  try {
    const cl = cfg.controlLines;
    let lines: GpioControlLines | undefined;
    if (cl?.backend === 'gpio') {
      const { GpioControlLines: Lines } = await import('./lines/gpio-control-lines.ts');
      lines = new Lines(await gpio(), { pins: cl.pins ?? {}, activeLow: cl.activeLow, debounceMs: cl.debounceMs });
      const l = lines;
      closers.push(() => l.close());
    }
    const port = await openPort(cfg, lines, log);
    closers.push(() => port.close());
    let leds: LedPanel | undefined;
    if (cfg.leds.backend === 'terminal') leds = new TerminalLedPanel();
    else if (cfg.leds.backend === 'gpio') {
      const { GpioLedPanel } = await import('./leds/gpio-panel.ts');
      leds = new GpioLedPanel(await gpio(), { pins: cfg.leds.pins ?? {}, activeLow: cfg.leds.activeLow, blinkMs: cfg.leds.blinkMs });
    }
    if (chip) log(`hardware: GPIO on ${(chip as GpioChip).name}`);
    return { port, leds, gpio, close };
  } catch (err) {
    close();
    throw err;
  }
}

async function openPort(cfg: HardwareConfig, lines: GpioControlLines | undefined, log: (line: string) => void): Promise<DtePort> {
  const s = cfg.serial;
  switch (s.backend) {
    case 'serialport':
      return (await import('./serial/serialport-port.ts')).SerialPortDte.open({
        path: s.device ?? '/dev/serial0',
        baudRate: s.baudRate ?? 19200,
        rtscts: s.rtscts ?? false,
        lines,
        log,
      });
    case 'tcp': {
      if (lines) log('hardware: controlLines.backend gpio is ignored with the TCP port (a socket has no modem lines)');
      return (await import('./serial/tcp-port.ts')).TcpDtePort.listen({ host: s.tcp?.host ?? '127.0.0.1', port: s.tcp?.port ?? 2323, log });
    }
    default:
      if (lines) log('hardware: controlLines.backend gpio is ignored with the pseudo-terminal');
      return new PtyPort(s.link, log);
  }
}
