import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import type { FskModulation } from '../dsp/fsk/specs.ts';

export type NumberRoute =
  | { kind: 'modem'; modulation: FskModulation; host: 'echo' }
  | { kind: 'busy' }
  | { kind: 'no-answer' }
  | { kind: 'program'; command: string; answerAfterRings?: number };

export interface LineModelConfig {
  snrDb?: number;
  bandLimit?: boolean;
}

export interface DialtoneConfig {
  modem: { txLevelDbm0: number; answerToneMs: number; modulation: FskModulation };
  serial: { backend: 'pty'; link: string };
  leds: { backend: 'terminal' | 'none' };
  clock: 'realtime' | 'fast';
  control: { socket: string };
  line: { backend: 'simulated' };
  exchange: { line: LineModelConfig; answerAfterRings: number; numbers: Record<string, NumberRoute> };
}

export class ConfigError extends Error {}

export const DEFAULT_CONFIG_PATH = resolve(dirname(fileURLToPath(import.meta.url)), '../config/default.yaml');

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Overlay `over` on `base`, key by key; `exchange.numbers` from an override file adds to the defaults. */
function merge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = isObject(v) && isObject(base[k]) ? merge(base[k], v) : v;
  return out;
}

function readYaml(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`${path}: cannot read: ${(err as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    throw new ConfigError(`${path}: not valid YAML: ${(err as Error).message}`);
  }
  if (doc == null) return {};
  if (!isObject(doc)) throw new ConfigError(`${path}: expected a mapping at the top level`);
  return doc;
}

function expect(cond: boolean, file: string, key: string, value: unknown, what: string): void {
  if (!cond) throw new ConfigError(`${file}: ${key}: found ${JSON.stringify(value)}, expected ${what}`);
}

function validate(c: Record<string, unknown>, file: string): DialtoneConfig {
  const cfg = c as unknown as DialtoneConfig;
  expect(cfg.clock === 'realtime' || cfg.clock === 'fast', file, 'clock', cfg.clock, '"realtime" or "fast"');
  expect(typeof cfg.modem?.txLevelDbm0 === 'number' && cfg.modem.txLevelDbm0 <= 0 && cfg.modem.txLevelDbm0 >= -43, file, 'modem.txLevelDbm0', cfg.modem?.txLevelDbm0, 'a level from -43 to 0 dBm0');
  expect(typeof cfg.modem?.answerToneMs === 'number' && cfg.modem.answerToneMs >= 0, file, 'modem.answerToneMs', cfg.modem?.answerToneMs, 'milliseconds ≥ 0');
  expect(['v21', 'bell103', 'v23', 'bell202'].includes(cfg.modem?.modulation), file, 'modem.modulation', cfg.modem?.modulation, 'v21, bell103, v23 or bell202');
  expect(typeof cfg.serial?.link === 'string', file, 'serial.link', cfg.serial?.link, 'a path');
  expect(isObject(cfg.exchange?.numbers), file, 'exchange.numbers', cfg.exchange?.numbers, 'a mapping of numbers');
  const snr = cfg.exchange.line?.snrDb;
  expect(snr === undefined || (typeof snr === 'number' && snr >= -10 && snr <= 100), file, 'exchange.line.snrDb', snr, 'a number of dB from -10 to 100');
  for (const [num, route] of Object.entries(cfg.exchange.numbers)) {
    const key = `exchange.numbers.${num}`;
    expect(/^[0-9*#A-D]+$/.test(num), file, key, num, 'a number of digits 0-9 * # A-D');
    expect(isObject(route), file, key, route, 'a route such as { kind: busy }');
    const kind = (route as { kind?: unknown }).kind;
    expect(['modem', 'busy', 'no-answer', 'program'].includes(kind as string), file, `${key}.kind`, kind, 'modem, busy, no-answer or program');
    if (route.kind === 'modem') expect(['v21', 'bell103', 'v23', 'bell202'].includes(route.modulation), file, `${key}.modulation`, route.modulation, 'v21, bell103, v23 or bell202');
    if (route.kind === 'program') expect(typeof route.command === 'string' && route.command.length > 0, file, `${key}.command`, route.command, 'a command line');
  }
  return cfg;
}

/** Load the defaults, overlay `path` if given, validate. Throws ConfigError naming the file and key. */
export function loadConfig(path?: string, overrides: Record<string, unknown> = {}): DialtoneConfig {
  let merged = readYaml(DEFAULT_CONFIG_PATH);
  if (path) merged = merge(merged, readYaml(path));
  merged = merge(merged, overrides);
  return validate(merged, path ?? DEFAULT_CONFIG_PATH);
}
