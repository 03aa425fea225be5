/**
 * Backend selection: the configuration picks real or simulated parts, and the rest of the program cannot tell them
 * apart. The shape of the configuration is restated here (hal/ does not import firmware-app/).
 */
import type { GpioChip } from './gpio/gpio.ts';
import { openGpioChip } from './gpio/open-chip.ts';
import type { GpioBackend } from './gpio/open-chip.ts';
import { GpioLedPanel } from './leds/gpio-panel.ts';
import type { LedName, LedPanel } from './leds/led-panel.ts';
import { TerminalLedPanel } from './leds/terminal-panel.ts';
import { GpioControlLines } from './lines/gpio-control-lines.ts';
import type { ControlPinMap } from './lines/gpio-control-lines.ts';
import type { DtePort } from './serial/dte-port.ts';
import { PtyPort } from './serial/pty-port.ts';
import { SerialPortDte } from './serial/serialport-port.ts';
import { TcpDtePort } from './serial/tcp-port.ts';

export interface HardwareConfig {
  serial: {
    backend: 'pty' | 'serialport' | 'tcp';
    link: string;
    device?: string | null;
    baudRate?: number;
    rtscts?: boolean;
    tcp?: { host: string; port: number };
  };
  leds: { backend: 'terminal' | 'none' | 'gpio'; pins?: Partial<Record<LedName, number>>; activeLow?: boolean; blinkMs?: number };
  gpio?: { backend: GpioBackend; chip?: string | null };
  controlLines?: { backend: 'simulated' | 'gpio'; pins?: ControlPinMap; activeLow?: boolean; debounceMs?: number };
}

export interface Hardware {
  port: DtePort;
  leds?: LedPanel;
  /** The GPIO chip, opened on first use (LEDs, control lines, a line interface's hook relay). */
  gpio(): GpioChip;
  close(): void;
}

export async function openHardware(cfg: HardwareConfig, log: (line: string) => void = () => {}): Promise<Hardware> {
  let chip: GpioChip | null = null;
  const gpio = (): GpioChip => (chip ??= openGpioChip(cfg.gpio ?? { backend: 'auto' }));
  const closers: (() => void)[] = [];
  const close = (): void => {
    for (const c of closers.splice(0).reverse()) c();
    chip?.close();
  };
  try {
    const lines =
      cfg.controlLines?.backend === 'gpio'
        ? new GpioControlLines(gpio(), { pins: cfg.controlLines.pins ?? {}, activeLow: cfg.controlLines.activeLow, debounceMs: cfg.controlLines.debounceMs })
        : undefined;
    if (lines) closers.push(() => lines.close());
    const port = await openPort(cfg, lines, log);
    closers.push(() => port.close());
    let leds: LedPanel | undefined;
    if (cfg.leds.backend === 'terminal') leds = new TerminalLedPanel();
    else if (cfg.leds.backend === 'gpio')
      leds = new GpioLedPanel(gpio(), { pins: cfg.leds.pins ?? {}, activeLow: cfg.leds.activeLow, blinkMs: cfg.leds.blinkMs });
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
      return SerialPortDte.open({ path: s.device ?? '/dev/serial0', baudRate: s.baudRate ?? 19200, rtscts: s.rtscts ?? false, lines });
    case 'tcp': {
      if (lines) log('hardware: controlLines.backend gpio is ignored with the TCP port (a socket has no modem lines)');
      return TcpDtePort.listen({ host: s.tcp?.host ?? '127.0.0.1', port: s.tcp?.port ?? 2323, log });
    }
    default:
      if (lines) log('hardware: controlLines.backend gpio is ignored with the pseudo-terminal');
      return new PtyPort(s.link);
  }
}
