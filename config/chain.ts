/**
 * The channel chain of the simulated exchange (issue 19): which hops a call's audio crosses, in order, per
 * direction — Bluetooth SCO (CVSD or mSBC), the phone's processing, a cellular speech codec (GSM full rate,
 * AMR-NB, AMR-WB), G.711 on the landline side, and the analogue impairments of dsp/channel — as configuration
 * data: `exchange.line.chain`, `exchange.line.preset`, a number's `preset`, and the dial suffix `:name`.
 *
 * A chain is a list of elements, each a name (`cvsd`) or a one-key mapping of a name to its options
 * (`{ amr-nb: { mode: 7.95, dtx: true } }`). A plain list is written from Dialtone's end: what Dialtone sends meets
 * the elements in order, what it hears meets them in reverse. `{ toCallee: [...], toCaller: [...] }` gives each
 * direction of the call its own list, each in the order that direction's audio meets it.
 *
 * config/ imports nothing of the project: the AMR mode lists repeat hal/codecs/codec-stage.ts's (a test checks).
 */

/** AMR-NB modes in kbit/s (3GPP TS 26.071). */
export const AMR_NB_MODE_LIST = [4.75, 5.15, 5.9, 6.7, 7.4, 7.95, 10.2, 12.2] as const;
/** AMR-WB modes in kbit/s (3GPP TS 26.171). */
export const AMR_WB_MODE_LIST = [6.6, 8.85, 12.65, 14.25, 15.85, 18.25, 19.85, 23.05, 23.85] as const;

export interface ModeStepSpec {
  mode: number;
  seconds: number;
}

export type ChainElement =
  | { kind: 'cvsd' }
  | { kind: 'gsm-fr' }
  | { kind: 'g711a' }
  | { kind: 'g711u' }
  | { kind: 'msbc'; erasureRate?: number; seed?: number }
  | { kind: 'amr-nb' | 'amr-wb'; mode: number; dtx: boolean; schedule?: ModeStepSpec[]; erasureRate?: number; seed?: number }
  | { kind: 'band-limit'; lowHz: number; highHz: number }
  | { kind: 'noise'; snrDb: number; signalDbm0: number; seed?: number }
  | { kind: 'attenuation'; db: number }
  | { kind: 'offset'; hz: number }
  | { kind: 'delay'; ms: number }
  | { kind: 'phone'; nrecAccepted: boolean; agc: boolean; clipDbm0: number };

export type ChainElementKind = ChainElement['kind'];

/** The elements that run a reference codec library (hal/codecs): they need the native addon at start-up. */
export const CODEC_KINDS: readonly ChainElementKind[] = ['msbc', 'amr-nb', 'amr-wb'];

/** A chain as the exchange builds it: a name for ATI/the panel/MQTT, and the elements of each direction. */
export type ChainSpec =
  | { name: string; fromDialtone: ChainElement[] }
  | { name: string; toCallee: ChainElement[]; toCaller: ChainElement[] };

/** A configuration error that names the key it is about. */
export class ChainConfigError extends Error {
  constructor(
    readonly key: string,
    readonly found: string,
    readonly expected: string,
  ) {
    super(`${key}: found ${found}, expected ${expected}`);
    this.name = 'ChainConfigError';
  }
}

type Options = Record<string, unknown>;
type OptionCheck = (o: Options, key: string) => ChainElement;

function show(v: unknown): string {
  return JSON.stringify(v) ?? String(v);
}

function onlyKeys(o: Options, key: string, allowed: readonly string[]): void {
  for (const k of Object.keys(o)) if (!allowed.includes(k)) throw new ChainConfigError(`${key}.${k}`, `an unknown option ${show(k)}`, allowed.length ? `one of ${allowed.join(', ')}` : 'no options');
}

function num(o: Options, key: string, name: string, min: number, max: number, fallback?: number): number {
  const v = o[name];
  if (v === undefined && fallback !== undefined) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) throw new ChainConfigError(`${key}.${name}`, show(v), `a number from ${min} to ${max}`);
  return v;
}

function bool(o: Options, key: string, name: string, fallback: boolean): boolean {
  const v = o[name];
  if (v === undefined) return fallback;
  if (typeof v !== 'boolean') throw new ChainConfigError(`${key}.${name}`, show(v), 'true or false');
  return v;
}

function seed(o: Options, key: string): number | undefined {
  const v = o.seed;
  if (v === undefined) return undefined;
  if (!Number.isInteger(v)) throw new ChainConfigError(`${key}.seed`, show(v), 'an integer');
  return v as number;
}

function erasure(o: Options, key: string): number | undefined {
  return o.erasureRate === undefined ? undefined : num(o, key, 'erasureRate', 0, 1);
}

function amrMode(v: unknown, key: string, modes: readonly number[], codec: string): number {
  if (typeof v !== 'number' || !modes.includes(v)) throw new ChainConfigError(key, `${show(v)}, not an ${codec} mode`, `one of ${modes.join(', ')} (kbit/s)`);
  return v;
}

function schedule(o: Options, key: string, modes: readonly number[], codec: string): ModeStepSpec[] | undefined {
  const s = o.schedule;
  if (s === undefined) return undefined;
  if (!Array.isArray(s) || s.length === 0) throw new ChainConfigError(`${key}.schedule`, show(s), 'a list of { mode, seconds } steps');
  return s.map((step: unknown, i) => {
    const k = `${key}.schedule[${i}]`;
    if (typeof step !== 'object' || step === null || Array.isArray(step)) throw new ChainConfigError(k, show(step), 'a step { mode, seconds }');
    const st = step as Options;
    onlyKeys(st, k, ['mode', 'seconds']);
    return { mode: amrMode(st.mode, `${k}.mode`, modes, codec), seconds: num(st, k, 'seconds', 0.02, 86400) };
  });
}

function amr(kind: 'amr-nb' | 'amr-wb'): OptionCheck {
  const modes = kind === 'amr-nb' ? AMR_NB_MODE_LIST : AMR_WB_MODE_LIST;
  const codec = kind === 'amr-nb' ? 'AMR-NB' : 'AMR-WB';
  return (o, key) => {
    onlyKeys(o, key, ['mode', 'dtx', 'schedule', 'erasureRate', 'seed']);
    const mode = amrMode(o.mode ?? (kind === 'amr-nb' ? 12.2 : 12.65), `${key}.mode`, modes, codec);
    return { kind, mode, dtx: bool(o, key, 'dtx', false), schedule: schedule(o, key, modes, codec), erasureRate: erasure(o, key), seed: seed(o, key) };
  };
}

function plain(kind: 'cvsd' | 'gsm-fr' | 'g711a' | 'g711u'): OptionCheck {
  return (o, key) => {
    onlyKeys(o, key, []);
    return { kind };
  };
}

const ELEMENTS: Record<ChainElementKind, OptionCheck> = {
  cvsd: plain('cvsd'),
  msbc: (o, key) => {
    onlyKeys(o, key, ['erasureRate', 'seed']);
    return { kind: 'msbc', erasureRate: erasure(o, key), seed: seed(o, key) };
  },
  'amr-nb': amr('amr-nb'),
  'amr-wb': amr('amr-wb'),
  'gsm-fr': plain('gsm-fr'),
  g711a: plain('g711a'),
  g711u: plain('g711u'),
  'band-limit': (o, key) => {
    onlyKeys(o, key, ['lowHz', 'highHz']);
    const lowHz = num(o, key, 'lowHz', 50, 3400, 300);
    const highHz = num(o, key, 'highHz', lowHz + 500, 3900, 3400);
    return { kind: 'band-limit', lowHz, highHz };
  },
  noise: (o, key) => {
    onlyKeys(o, key, ['snrDb', 'signalDbm0', 'seed']);
    return { kind: 'noise', snrDb: num(o, key, 'snrDb', -20, 100), signalDbm0: num(o, key, 'signalDbm0', -60, 3.14, -10), seed: seed(o, key) };
  },
  attenuation: (o, key) => {
    onlyKeys(o, key, ['db']);
    return { kind: 'attenuation', db: num(o, key, 'db', -20, 80) };
  },
  offset: (o, key) => {
    onlyKeys(o, key, ['hz']);
    return { kind: 'offset', hz: num(o, key, 'hz', -100, 100) };
  },
  delay: (o, key) => {
    onlyKeys(o, key, ['ms']);
    return { kind: 'delay', ms: num(o, key, 'ms', 0, 10_000) };
  },
  phone: (o, key) => {
    onlyKeys(o, key, ['nrecAccepted', 'agc', 'clipDbm0']);
    return { kind: 'phone', nrecAccepted: bool(o, key, 'nrecAccepted', false), agc: bool(o, key, 'agc', true), clipDbm0: num(o, key, 'clipDbm0', -20, 3.14, 3.14) };
  },
};

export const CHAIN_ELEMENT_NAMES = Object.keys(ELEMENTS) as ChainElementKind[];

/** One element: `name` or `{ name: options }`. */
export function parseChainElement(raw: unknown, key: string): ChainElement {
  let name: unknown = raw;
  let options: unknown = {};
  if (typeof raw === 'object' && raw !== null && !Array.isArray(raw)) {
    const keys = Object.keys(raw);
    if (keys.length !== 1) throw new ChainConfigError(key, show(raw), 'a channel model: a name, or a mapping of one name to its options');
    name = keys[0];
    options = (raw as Options)[keys[0]] ?? {};
  }
  if (typeof name !== 'string') throw new ChainConfigError(key, show(raw), "a channel model's name");
  const check = (ELEMENTS as Record<string, OptionCheck | undefined>)[name];
  if (!Object.hasOwn(ELEMENTS, name) || !check) throw new ChainConfigError(key, `an unknown channel model ${show(name)}`, `one of ${CHAIN_ELEMENT_NAMES.join(', ')}`);
  if (typeof options !== 'object' || options === null || Array.isArray(options)) throw new ChainConfigError(`${key}.${name}`, show(options), 'a mapping of options');
  return check(options as Options, `${key}.${name}`);
}

function parseList(raw: unknown, key: string): ChainElement[] {
  if (!Array.isArray(raw)) throw new ChainConfigError(key, show(raw), 'a list of channel models');
  return raw.map((el, i) => parseChainElement(el, `${key}[${i}]`));
}

/** `exchange.line.chain` (or a test's chain): a list from Dialtone's end, or `{ toCallee, toCaller }`. */
export function parseChain(raw: unknown, key: string, name = 'custom'): ChainSpec {
  if (Array.isArray(raw)) return { name, fromDialtone: parseList(raw, key) };
  if (typeof raw === 'object' && raw !== null) {
    const o = raw as Options;
    onlyKeys(o, key, ['toCallee', 'toCaller']);
    if (o.toCallee === undefined || o.toCaller === undefined) throw new ChainConfigError(key, 'only one direction', 'both toCallee and toCaller (or one list for both directions)');
    return { name, toCallee: parseList(o.toCallee, `${key}.toCallee`), toCaller: parseList(o.toCaller, `${key}.toCaller`) };
  }
  throw new ChainConfigError(key, show(raw), 'a list of channel models or { toCallee, toCaller }');
}

/** The named paths of issue 19, each from Dialtone's end (the phone's Bluetooth link) to the landline. */
export const PRESETS = {
  /** An old GSM network: CVSD over Bluetooth, GSM 06.10 full rate on the radio, G.711 A-law beyond the MSC. */
  'gsm-fr': ['cvsd', 'gsm-fr', 'g711a'],
  /** UMTS with AMR-NB 12.2, the network's link adaptation dropping to 7.95 for 15 s after 15 s, then back. */
  'umts-amr': [
    'cvsd',
    { 'amr-nb': { mode: 12.2, schedule: [{ mode: 12.2, seconds: 15 }, { mode: 7.95, seconds: 15 }, { mode: 12.2, seconds: 1 }] } },
    'g711a',
  ],
  /** VoLTE on a wideband HFP 1.6 link: mSBC, AMR-WB 12.65, transcoded to G.711 for the landline. */
  'volte-wb': ['msbc', { 'amr-wb': { mode: 12.65 } }, 'g711a'],
  /** Weak coverage: AMR-NB at its lowest mode, 4.75, with 1 % of radio frames lost (concealed by the decoder). */
  'poor-radio': ['cvsd', { 'amr-nb': { mode: 4.75, erasureRate: 0.01 } }, 'g711a'],
} as const satisfies Record<string, unknown[]>;

export type PresetName = keyof typeof PRESETS;
export const PRESET_NAMES = Object.keys(PRESETS) as PresetName[];

/** A preset by name; `key` is what an unknown name is reported against. */
export function presetChain(name: unknown, key: string): ChainSpec {
  if (typeof name !== 'string' || !Object.hasOwn(PRESETS, name)) throw new ChainConfigError(key, `an unknown preset ${show(name)}`, `one of ${PRESET_NAMES.join(', ')}`);
  return parseChain(PRESETS[name as PresetName], `preset ${name}`, name);
}

/** An element as ATI and the panel print it: `amr-nb 12.2 dtx`, `amr-nb 12.2/15s 7.95/15s 12.2`, `noise 30dB`. */
export function describeElement(e: ChainElement): string {
  switch (e.kind) {
    case 'amr-nb':
    case 'amr-wb': {
      const modes = e.schedule ? e.schedule.map((s, i, all) => (i < all.length - 1 ? `${s.mode}/${s.seconds}s` : String(s.mode))).join(' ') : String(e.mode);
      return [e.kind, modes, e.dtx ? 'dtx' : '', e.erasureRate ? `fer ${e.erasureRate * 100}%` : ''].filter(Boolean).join(' ');
    }
    case 'msbc':
      return e.erasureRate ? `msbc fer ${e.erasureRate * 100}%` : 'msbc';
    case 'band-limit':
      return `band-limit ${e.lowHz}-${e.highHz}Hz`;
    case 'noise':
      return `noise ${e.snrDb}dB`;
    case 'attenuation':
      return `attenuation ${e.db}dB`;
    case 'offset':
      return `offset ${e.hz}Hz`;
    case 'delay':
      return `delay ${e.ms}ms`;
    case 'phone':
      return `phone${e.nrecAccepted ? ' nrec-off' : ' ns'}${e.agc ? ' agc' : ''}`;
    default:
      return e.kind;
  }
}

/** One line for ATI, the panel and MQTT: `umts-amr: cvsd > amr-nb 12.2/15s 7.95/15s 12.2 > g711a`. */
export function describeChain(spec: ChainSpec): string {
  const list = (els: ChainElement[]): string => (els.length ? els.map(describeElement).join(' > ') : 'direct');
  if ('fromDialtone' in spec) return `${spec.name}: ${list(spec.fromDialtone)}`;
  return `${spec.name}: to callee ${list(spec.toCallee)}; to caller ${list(spec.toCaller)}`;
}

/** The elements each direction of a call meets, in order, from where Dialtone sits in it. */
export function chainDirections(spec: ChainSpec, dialtoneCalled: boolean): { fromDialtone: ChainElement[]; toDialtone: ChainElement[] } {
  if ('fromDialtone' in spec) return { fromDialtone: spec.fromDialtone, toDialtone: [...spec.fromDialtone].reverse() };
  return dialtoneCalled ? { fromDialtone: spec.toCallee, toDialtone: spec.toCaller } : { fromDialtone: spec.toCaller, toDialtone: spec.toCallee };
}

/** Does the chain need the reference codec addon? */
export function chainNeedsCodecs(spec: ChainSpec): boolean {
  return chainElements(spec).some((e) => CODEC_KINDS.includes(e.kind));
}

/** What the exchange's configuration says about chains: `exchange.line.chain`/`preset`, and each number's `preset`. */
export interface ExchangeChainConfig {
  line: { chain?: unknown; preset?: string };
  numbers: Record<string, object>;
}

/** The chains of the exchange, resolved and checked: throws ChainConfigError naming the first bad key. */
export function resolveExchangeChains(ex: ExchangeChainConfig): { line: ChainSpec | null; numbers: Record<string, ChainSpec> } {
  if (ex.line.chain !== undefined && ex.line.preset !== undefined) throw new ChainConfigError('exchange.line.preset', 'a preset beside exchange.line.chain', 'one of the two');
  let line: ChainSpec | null = null;
  if (ex.line.chain !== undefined) line = parseChain(ex.line.chain, 'exchange.line.chain');
  else if (ex.line.preset !== undefined) line = presetChain(ex.line.preset, 'exchange.line.preset');
  const numbers: Record<string, ChainSpec> = {};
  for (const [number, route] of Object.entries(ex.numbers)) {
    const preset = (route as { preset?: unknown }).preset;
    if (preset !== undefined) numbers[number] = presetChain(preset, `exchange.numbers.${number}.preset`);
  }
  return { line, numbers };
}

/** Every element of a chain, both directions. */
export function chainElements(spec: ChainSpec): ChainElement[] {
  return 'fromDialtone' in spec ? spec.fromDialtone : [...spec.toCallee, ...spec.toCaller];
}

/** `exchange.line.chain[1].amr-nb.mode` as the path the configuration loader points at. */
export function keyPath(key: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (const part of key.split('.')) {
    const m = /^([^[]*)((?:\[\d+\])*)$/.exec(part);
    if (!m) {
      out.push(part);
      continue;
    }
    if (m[1]) out.push(m[1]);
    for (const i of m[2].matchAll(/\[(\d+)\]/g)) out.push(Number(i[1]));
  }
  return out;
}
