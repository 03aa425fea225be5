import { AMR_NB_MODES, AMR_WB_MODES } from './codec-stage.ts';
import type { CodecSpec } from './codec-stage.ts';

const KEYS: Record<CodecSpec['codec'], readonly string[]> = {
  'amr-nb': ['codec', 'mode', 'dtx', 'schedule', 'erasureRate', 'seed'],
  'amr-wb': ['codec', 'mode', 'dtx', 'schedule', 'erasureRate', 'seed'],
  msbc: ['codec', 'erasureRate', 'seed'],
};

const MODES: Record<'amr-nb' | 'amr-wb', readonly number[]> = { 'amr-nb': AMR_NB_MODES, 'amr-wb': AMR_WB_MODES };
const NAMES = { 'amr-nb': 'AMR-NB', 'amr-wb': 'AMR-WB' } as const;

function show(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v);
}

function modeProblem(codec: 'amr-nb' | 'amr-wb', key: string, v: unknown): string | null {
  if (typeof v === 'number' && MODES[codec].includes(v)) return null;
  return `${key}: ${show(v)} is not an ${NAMES[codec]} mode (kbit/s: ${MODES[codec].join(', ')})`;
}

function scheduleProblem(codec: 'amr-nb' | 'amr-wb', v: unknown): string | null {
  if (!Array.isArray(v) || v.length === 0) return `schedule: ${show(v)} is not a list of { mode, seconds } steps`;
  for (let i = 0; i < v.length; i++) {
    const step: unknown = v[i];
    const key = `schedule[${i}]`;
    if (typeof step !== 'object' || step === null || Array.isArray(step)) return `${key}: ${show(step)} is not a { mode, seconds } step`;
    const s = step as Record<string, unknown>;
    const extra = Object.keys(s).find((k) => k !== 'mode' && k !== 'seconds');
    if (extra !== undefined) return `${key}.${extra}: unknown key (a step has mode and seconds)`;
    const bad = modeProblem(codec, `${key}.mode`, s.mode);
    if (bad) return bad;
    if (typeof s.seconds !== 'number' || !Number.isFinite(s.seconds) || s.seconds <= 0)
      return `${key}.seconds: ${show(s.seconds)} is not a positive number of seconds`;
  }
  return null;
}

/**
 * What is wrong with a codec specification, as one message naming the key and the value, or null if nothing is.
 * Checks what createCodecStage needs: a known codec, its modes, DTX a boolean, the schedule's steps, an erasure rate
 * in 0–1, a seed that is a non-negative integer, and no unknown keys (a misspelt key would otherwise be ignored).
 * Whether the codec's library is installed is a separate question: see probeCodecLibraries().
 */
export function validateCodecSpec(spec: unknown): string | null {
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) return `codec: ${show(spec)} is not a codec specification`;
  const s = spec as Record<string, unknown>;
  const codec = s.codec;
  if (typeof codec !== 'string' || !Object.hasOwn(KEYS, codec)) return `codec: ${show(codec)} is not a codec (one of ${Object.keys(KEYS).join(', ')})`;
  const c = codec as CodecSpec['codec'];
  const extra = Object.keys(s).find((k) => !KEYS[c].includes(k));
  if (extra !== undefined) return `${extra}: unknown key for ${c} (keys: ${KEYS[c].join(', ')})`;
  if (c !== 'msbc') {
    if (s.schedule === undefined || s.mode !== undefined) {
      const bad = modeProblem(c, 'mode', s.mode);
      if (bad) return bad;
    }
    if (s.dtx !== undefined && typeof s.dtx !== 'boolean') return `dtx: ${show(s.dtx)} is not true or false`;
    if (s.schedule !== undefined) {
      const bad = scheduleProblem(c, s.schedule);
      if (bad) return bad;
    }
  }
  const rate = s.erasureRate;
  if (rate !== undefined && (typeof rate !== 'number' || !(rate >= 0 && rate <= 1)))
    return `erasureRate: ${show(rate)} is not a frame erasure rate between 0 and 1`;
  const seed = s.seed;
  if (seed !== undefined && (typeof seed !== 'number' || !Number.isSafeInteger(seed) || seed < 0)) return `seed: ${show(seed)} is not a non-negative integer`;
  return null;
}

/** Throws an Error with validateCodecSpec()'s message if the specification is not valid. */
export function assertCodecSpec(spec: unknown): asserts spec is CodecSpec {
  const problem = validateCodecSpec(spec);
  if (problem) throw new Error(`codec specification: ${problem}`);
}
