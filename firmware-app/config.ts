import { accessSync, constants, existsSync, readFileSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import type { ErrorObject } from 'ajv';
import { LineCounter, isMap, isScalar, parseDocument } from 'yaml';
import type { Document, Node as YamlNode } from 'yaml';
import type { DialtoneConfig, PanelConfig } from '../config/schema.ts';
import { chainIssues } from './chain-check.ts';
import { pinMapIssues } from './pin-map.ts';

/** Loopback addresses: only these may serve the panel without a password. */
export function isLoopback(address: string): boolean {
  return address === 'localhost' || address === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(address);
}

/** The panel's checks: a non-loopback listener without a password is refused, and the password file is private. */
function panelIssues(p: PanelConfig, secretFile: (path: Path, file: string | null) => void): SemanticIssue[] {
  const out: SemanticIssue[] = [];
  if (p.enabled && !isLoopback(p.listen) && !p.passwordFile) {
    out.push({ path: ['panel', 'passwordFile'], found: 'null', expected: `a password file: the panel listens on ${p.listen}, which is not loopback, and is never served there without a password`, cause: ['panel', 'listen'] });
  }
  if (p.enabled) secretFile(['panel', 'passwordFile'], p.passwordFile);
  return out;
}

/** The Internet listener beyond loopback: never without a password and a connection-rate limit (docs/internet.md). */
function listenerIssues(l: DialtoneConfig['internet']['listen'], secretFile: (path: Path, file: string | null) => void): SemanticIssue[] {
  const out: SemanticIssue[] = [];
  if (!l.enabled) return out;
  const why = `the Internet listener is bound to ${l.address}, which is not loopback, and never takes calls there without`;
  if (!isLoopback(l.address) && !l.passwordFile) out.push({ path: ['internet', 'listen', 'passwordFile'], found: 'null', expected: `a password file: ${why} a password`, cause: ['internet', 'listen', 'address'] });
  if (!isLoopback(l.address) && l.maxPerMinute === null)
    out.push({ path: ['internet', 'listen', 'maxPerMinute'], found: 'null', expected: `a limit of connections per minute: ${why} a rate limit`, cause: ['internet', 'listen', 'address'] });
  secretFile(['internet', 'listen', 'passwordFile'], l.passwordFile);
  return out;
}

/** One thing wrong with the configuration, located in the file that set it. */
export interface ConfigIssue {
  file: string;
  line?: number;
  col?: number;
  key: string;
  found: string;
  expected: string;
}

export class ConfigError extends Error {
  constructor(readonly issues: ConfigIssue[]) {
    super(issues.map(formatIssue).join('\n'));
    this.name = 'ConfigError';
  }
}

export function formatIssue(i: ConfigIssue): string {
  const where = i.line === undefined ? i.file : `${i.file}:${i.line}:${i.col}`;
  return `${where}: ${i.key || '(top level)'}: found ${i.found}, expected ${i.expected}`;
}

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_CONFIG_PATH = resolve(ROOT, 'config/default.yaml');
export const SCHEMA_PATH = resolve(ROOT, 'config/schema.json');

type Json = Record<string, unknown>;
type Path = string[];

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Overlay `over` on `base`, key by key; `exchange.numbers` from an override file adds to the defaults. */
function merge(base: Json, over: Json): Json {
  const out: Json = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = isObject(v) && isObject(base[k]) ? merge(base[k], v) : v;
  return out;
}

/** A layer of configuration: a YAML file (with its parse tree, for line numbers) or the command line. */
interface Source {
  file: string;
  data: Json;
  doc?: Document;
  lines?: LineCounter;
}

function readSource(file: string): Source {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError([{ file, key: '', found: `an unreadable file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, expected: 'a readable YAML file' }]);
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((e) => {
        const pos = e.linePos?.[0];
        return { file, line: pos?.line, col: pos?.col, key: '', found: `a YAML syntax error (${e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')})`, expected: 'valid YAML' };
      }),
    );
  }
  const data: unknown = doc.toJS();
  if (data == null) return { file, data: {}, doc, lines };
  if (!isObject(data)) throw new ConfigError([{ file, line: 1, col: 1, key: '', found: describe(data), expected: 'a mapping of keys (such as "modem:") at the top level' }]);
  return { file, data, doc, lines };
}

/** The YAML node at `path` (the key's node if `key`), walking maps by key text so that unquoted numbers match. */
function nodeAt(doc: Document, path: Path, key: boolean): YamlNode | null {
  let node: unknown = doc.contents;
  for (let i = 0; i < path.length; i++) {
    if (!isMap(node)) return null;
    const pair = node.items.find((p) => String(isScalar(p.key) ? p.key.value : p.key) === path[i]);
    if (!pair) return null;
    node = key && i === path.length - 1 ? pair.key : pair.value;
  }
  return (node as YamlNode) ?? null;
}

function hasPath(data: unknown, path: Path): boolean {
  let v = data;
  for (const k of path) {
    if (!isObject(v) || !(k in v)) return false;
    v = v[k];
  }
  return true;
}

/** Which layer set `path` (the last one wins), and where in it; for a missing key, where its parent is. */
function locate(sources: Source[], path: Path, key = false): Pick<ConfigIssue, 'file' | 'line' | 'col'> {
  for (let depth = path.length; depth >= 0; depth--) {
    const p = path.slice(0, depth);
    for (let s = sources.length - 1; s >= 0; s--) {
      const src = sources[s];
      if (!hasPath(src.data, p)) continue;
      const node = src.doc && nodeAt(src.doc, p, key && depth === path.length);
      const start = node?.range?.[0];
      if (start === undefined || !src.lines) return { file: src.file };
      const { line, col } = src.lines.linePos(start);
      return { file: src.file, line, col };
    }
  }
  return { file: sources[sources.length - 1].file };
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  if (isObject(v)) return 'a mapping';
  return JSON.stringify(v);
}

const TYPE_WORDS: Record<string, string> = {
  object: 'a mapping',
  array: 'a list',
  number: 'a number',
  integer: 'a whole number',
  boolean: 'true or false',
  string: 'a string',
  null: 'null',
};

function expectedOf(e: ErrorObject): string {
  const ps = (e.parentSchema ?? {}) as Json;
  if (typeof ps.expected === 'string') return ps.expected;
  if (Array.isArray(ps.enum)) return `one of ${ps.enum.join(', ')}`;
  if (e.keyword === 'type') return String(e.params.type).split(',').map((t) => TYPE_WORDS[t] ?? t).join(' or ');
  return e.message ?? 'a valid value';
}

function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
  return d[a.length][b.length];
}

function pointerPath(pointer: string): Path {
  return pointer === '' ? [] : pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Turn one schema error into an issue: the key it concerns, the value found there, what the schema wanted. */
function toIssue(e: ErrorObject, sources: Source[]): ConfigIssue | null {
  const at = pointerPath(e.instancePath);
  const ps = (e.parentSchema ?? {}) as Json;
  let path = at;
  let found = describe(e.data);
  let expected = expectedOf(e);
  let keyPos = false;
  if (e.keyword === 'additionalProperties') {
    const extra = String(e.params.additionalProperty);
    const allowed = Object.keys((ps.properties as Json | undefined) ?? {});
    const lower = extra.toLowerCase();
    const near = allowed.find((k) => editDistance(k.toLowerCase(), lower) <= 2) ?? allowed.find((k) => lower.length >= 3 && k.toLowerCase().startsWith(lower));
    path = [...at, extra];
    found = 'an unknown key';
    expected = allowed.length ? `one of the keys ${allowed.join(', ')}${near ? ` (did you mean ${near}?)` : ''}` : 'no keys here';
    keyPos = true;
  } else if (e.keyword === 'required') {
    path = [...at, String(e.params.missingProperty)];
    found = 'nothing';
    expected = `a value for ${String(e.params.missingProperty)}`;
  } else if (e.keyword === 'propertyNames') {
    path = [...at, String(e.params.propertyName)];
    found = JSON.stringify(e.params.propertyName);
    const names = (ps.propertyNames ?? {}) as Json;
    expected = typeof names.expected === 'string' ? names.expected : 'a valid key';
    keyPos = true;
  } else if (e.keyword === 'discriminator') {
    const kinds = ((ps.oneOf as Json[] | undefined) ?? []).map((b) => ((b.properties as Json).kind as Json).const);
    path = [...at, 'kind'];
    found = describe(e.params.tagValue);
    expected = `a kind: one of ${kinds.join(', ')}`;
  } else if ('propertyName' in e) {
    return null; // the detail under a propertyNames error, reported by it
  }
  return { ...locate(sources, path, keyPos), key: path.join('.'), found, expected };
}

let schemaValidator: ReturnType<Ajv['compile']> | null = null;

function validator(): ReturnType<Ajv['compile']> {
  if (schemaValidator) return schemaValidator;
  const ajv = new Ajv({ allErrors: true, verbose: true, discriminator: true, allowUnionTypes: true, strict: true });
  ajv.addKeyword({ keyword: 'expected', schemaType: 'string' });
  schemaValidator = ajv.compile(JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')) as Json);
  return schemaValidator;
}

/** Checks a schema cannot express: files and devices that must exist, pins used twice, a password file's mode. */
interface SemanticIssue {
  path: Path;
  found: string;
  expected: string;
  /** Where to point when `path` is unset in the user's file: the key that made it necessary. */
  cause?: Path;
  /** The key as the message names it, when not `path` joined by dots (list items: exchange.line.chain[1]). */
  key?: string;
}

function semanticIssues(cfg: DialtoneConfig): SemanticIssue[] {
  const out: SemanticIssue[] = [];
  const mustExist = (path: Path, file: string | null | undefined, what: string): void => {
    if (file && !existsSync(file)) out.push({ path, found: `${JSON.stringify(file)} (no such file)`, expected: what });
  };
  if (cfg.serial.backend === 'serialport') {
    if (!cfg.serial.device) out.push({ path: ['serial', 'device'], found: 'null', expected: 'a device path such as /dev/serial0 (serial.backend is serialport)', cause: ['serial', 'backend'] });
    mustExist(['serial', 'device'], cfg.serial.device, 'an existing serial device');
  }
  out.push(...pinMapIssues(cfg));
  if (cfg.leds.backend === 'gpio' && Object.keys(cfg.leds.pins ?? {}).length === 0) {
    out.push({ path: ['leds', 'pins'], found: 'no pins', expected: 'BCM pin numbers for the LEDs (leds.backend is gpio)', cause: ['leds', 'backend'] });
  }
  /** A file holding a password: it exists, this user can read it, and not everyone can. */
  const secretFile = (path: Path, file: string | null): void => {
    mustExist(path, file, 'an existing file holding the password');
    if (!file || !existsSync(file)) return;
    try {
      accessSync(file, constants.R_OK);
      if (statSync(file).mode & 0o004) out.push({ path, found: `${JSON.stringify(file)} (readable by everyone)`, expected: 'a file readable only by the service user or its group (chmod 640 or 600)' });
    } catch {
      out.push({ path, found: `${JSON.stringify(file)} (not readable by this user)`, expected: 'a file the service user can read' });
    }
  };
  out.push(...panelIssues(cfg.panel, secretFile));
  out.push(...listenerIssues(cfg.internet.listen, secretFile));
  out.push(...lineIssues(cfg));
  out.push(...chainIssues(cfg));
  const m = cfg.mqtt;
  if (m.enabled) {
    if (m.passwordFile && !m.username) out.push({ path: ['mqtt', 'username'], found: 'null', expected: 'a user name to go with mqtt.passwordFile', cause: ['mqtt', 'passwordFile'] });
    secretFile(['mqtt', 'passwordFile'], m.passwordFile);
    for (const k of ['ca', 'cert', 'key'] as const) mustExist(['mqtt', 'tls', k], m.tls[k], 'an existing PEM file');
  }
  return out;
}

/** The sound card line's pins: not the same pin twice, not an LED's, not the UART's. */
function lineIssues(cfg: DialtoneConfig): SemanticIssue[] {
  if (cfg.line.backend !== 'soundcard') return [];
  const out: SemanticIssue[] = [];
  const taken = new Map<number, string>(cfg.leds.backend === 'gpio' ? Object.entries(cfg.leds.pins ?? {}).map(([led, pin]) => [pin, `LED ${led}`]) : []);
  if (cfg.serial.backend === 'serialport') [14, 15].forEach((p) => taken.set(p, 'the UART'));
  const sc = cfg.line.soundcard;
  for (const [key, pin] of [['hookPin', sc.hookPin], ['ringPin', sc.ringPin]] as const) {
    if (pin === null) continue;
    const other = taken.get(pin);
    if (other) out.push({ path: ['line', 'soundcard', key], found: String(pin), expected: `a pin not already given to ${other}` });
    taken.set(pin, `line.soundcard.${key}`);
  }
  return out;
}

/** In file order, so the messages read top to bottom like the file. */
function sortIssues(issues: ConfigIssue[]): ConfigIssue[] {
  return issues.sort((a, b) => a.file.localeCompare(b.file) || (a.line ?? 0) - (b.line ?? 0) || (a.col ?? 0) - (b.col ?? 0));
}

/** A topic-safe device id from the host name: "Retro-Pi.local" → "retro-pi". */
export function deviceIdFromHost(host = hostname()): string {
  const id = host.split('.')[0].toLowerCase().replace(/[^a-z0-9_-]/g, '-').replace(/^[^a-z0-9]+/, '').slice(0, 32);
  return id || 'dialtone';
}

/**
 * Load the defaults, overlay `path` if given, then the command-line `overrides`; validate against config/schema.json
 * and the checks a schema cannot make. Throws a ConfigError listing every issue, each naming file, line, key, value
 * found and what was expected: the daemon never starts half-configured.
 */
export function loadConfig(path?: string, overrides: Json = {}): DialtoneConfig {
  const sources = [readSource(DEFAULT_CONFIG_PATH)];
  if (path) sources.push(readSource(path));
  if (Object.keys(overrides).length) sources.push({ file: 'command line', data: overrides });
  const merged = sources.reduce<Json>((acc, s) => merge(acc, s.data), {});
  const validate = validator();
  if (!validate(merged)) {
    const issues = (validate.errors ?? []).map((e) => toIssue(e, sources)).filter((i): i is ConfigIssue => i !== null);
    const seen = new Set<string>();
    throw new ConfigError(sortIssues(issues.filter((i) => !seen.has(i.key) && seen.add(i.key))));
  }
  const cfg = merged as unknown as DialtoneConfig;
  const semantic = semanticIssues(cfg);
  if (semantic.length) {
    const user = sources.slice(1);
    const where = (s: SemanticIssue): Path => (s.cause && !user.some((src) => hasPath(src.data, s.path)) ? s.cause : s.path);
    throw new ConfigError(sortIssues(semantic.map((s) => ({ ...locate(sources, where(s)), key: s.key ?? s.path.join('.'), found: s.found, expected: s.expected }))));
  }
  cfg.device = { ...cfg.device, id: cfg.device.id ?? deviceIdFromHost() };
  cfg.panel = { ...cfg.panel, password: cfg.panel.enabled && cfg.panel.passwordFile ? readFileSync(cfg.panel.passwordFile, 'utf8').replace(/\r?\n$/, '') : null };
  const l = cfg.internet.listen;
  cfg.internet = { ...cfg.internet, listen: { ...l, password: l.enabled && l.passwordFile ? readFileSync(l.passwordFile, 'utf8').replace(/\r?\n$/, '') : null } };
  cfg.mqtt = { ...cfg.mqtt, password: cfg.mqtt.enabled && cfg.mqtt.passwordFile ? readFileSync(cfg.mqtt.passwordFile, 'utf8').replace(/\r?\n$/, '') : null };
  return cfg;
}
