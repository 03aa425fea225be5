/**
 * The GPIO pin map: every BCM pin the configuration gives out (LEDs, RS-232 control lines; the line interface adds
 * its own to PIN_SECTIONS), checked before anything is opened: no pin twice, none on the UART's own pins.
 */
import type { DialtoneConfig } from '../config/schema.ts';

/** The part of the configuration this module reads. */
export type PinConfig = Pick<DialtoneConfig, 'serial' | 'leds'> & Partial<Pick<DialtoneConfig, 'controlLines'>>;

export interface PinIssue {
  path: string[];
  found: string;
  expected: string;
  cause?: string[];
}

/** Sections that hand out pins: [config path of the pin mapping, is it in use?]. */
export const PIN_SECTIONS: {
  path: [string, string];
  active: (c: PinConfig) => boolean;
  pins: (c: PinConfig) => Record<string, number | undefined> | undefined;
}[] = [
  { path: ['leds', 'pins'], active: (c) => c.leds.backend === 'gpio', pins: (c) => c.leds.pins },
  { path: ['controlLines', 'pins'], active: (c) => c.controlLines?.backend === 'gpio', pins: (c) => c.controlLines?.pins },
];

/** The UART's pins on the 40-pin header (Pi 0–4 PL011 with the design's overlays): TXD0/RXD0, CTS0/RTS0 in ALT3. */
function reserved(c: PinConfig): Map<number, string> {
  const r = new Map<number, string>();
  if (c.serial.backend !== 'serialport') return r;
  r.set(14, 'a pin other than 14 and 15 (the UART)').set(15, 'a pin other than 14 and 15 (the UART)');
  if (c.serial.rtscts)
    r.set(16, "a pin other than 16 and 17 (the UART's CTS and RTS, serial.rtscts is true)").set(
      17,
      "a pin other than 16 and 17 (the UART's CTS and RTS, serial.rtscts is true)",
    );
  return r;
}

export function pinMapIssues(c: PinConfig): PinIssue[] {
  const out: PinIssue[] = [];
  const used = new Map<number, string>();
  const uart = reserved(c);
  for (const section of PIN_SECTIONS) {
    if (!section.active(c)) continue;
    for (const [name, pin] of Object.entries(section.pins(c) ?? {})) {
      if (pin === undefined) continue;
      const path = [...section.path, name];
      const other = used.get(pin);
      if (other) out.push({ path, found: String(pin), expected: `a pin not already given to ${other}` });
      else if (uart.has(pin)) out.push({ path, found: String(pin), expected: uart.get(pin)! });
      used.set(pin, section.path[0] === 'leds' ? name : `${name} (controlLines)`);
    }
  }
  const lines = c.controlLines;
  if (lines?.backend === 'gpio' && c.serial.rtscts && c.serial.backend === 'serialport') {
    for (const k of ['CTS', 'RTS'] as const) {
      if (lines.pins?.[k] !== undefined)
        out.push({
          path: ['controlLines', 'pins', k],
          found: String(lines.pins[k]),
          expected: `no pin: with serial.rtscts the UART drives ${k} on its own pin`,
          cause: ['serial', 'rtscts'],
        });
    }
  }
  if (lines?.backend === 'gpio' && lines.pins?.DTR === undefined) {
    out.push({
      path: ['controlLines', 'pins', 'DTR'],
      found: 'nothing',
      expected: 'the BCM pin that reads DTR (controlLines.backend is gpio)',
      cause: ['controlLines', 'backend'],
    });
  }
  return out;
}
