/** Call-progress tones per country, as data: frequencies, send levels, cadences and the detector's tolerances. */
import type { ToneSegment } from './tone-player.ts';

export type CallProgressTone = 'dial-tone' | 'ringback' | 'busy' | 'reorder' | 'sit';
export type CountryCode = 'US' | 'EU';

/** Accepted range of a duration, ms. */
export type Range = readonly [number, number];

export interface CadencedTone {
  readonly freqs: readonly number[];
  /** Send level per frequency, dBm0. */
  readonly levelDbm0: number;
  /** What the generator plays (repeated). */
  readonly play: readonly ToneSegment[];
  /** Detector: continuous tone confirmed after this long (dial tone); or on/off ranges and cycles to confirm. */
  readonly continuousMs?: number;
  readonly onMs?: Range;
  readonly offMs?: Range;
  readonly confirmCycles?: number;
}

export interface CountryTones {
  readonly name: string;
  readonly tones: Readonly<Record<Exclude<CallProgressTone, 'sit'>, CadencedTone>>;
}

const on = (freqs: readonly number[], ms: number): ToneSegment => ({ freqs, ms });
const off = (ms: number): ToneSegment => ({ freqs: [], ms });

/** ITU-T Q.35 / E.180: special information tone, 950, 1400, 1800 Hz (±50 Hz), 330 ms each, then 1 s silence. */
export const SIT = {
  freqs: [950, 1400, 1800] as const,
  levelDbm0: -24,
  play: [on([950], 330), on([1400], 330), on([1800], 330), off(1000)],
  segmentMs: [200, 450] as Range,
};

export const COUNTRIES: Readonly<Record<CountryCode, CountryTones>> = {
  /** North American precise tone plan (ANSI T1.401): dual tones. */
  US: {
    name: 'North America',
    tones: {
      'dial-tone': { freqs: [350, 440], levelDbm0: -13, play: [on([350, 440], 10000)], continuousMs: 1000 },
      ringback: { freqs: [440, 480], levelDbm0: -19, play: [on([440, 480], 2000), off(4000)], onMs: [1600, 2400], offMs: [3000, 4800], confirmCycles: 1 },
      busy: { freqs: [480, 620], levelDbm0: -24, play: [on([480, 620], 500), off(500)], onMs: [400, 620], offMs: [380, 620], confirmCycles: 2 },
      reorder: { freqs: [480, 620], levelDbm0: -24, play: [on([480, 620], 250), off(250)], onMs: [180, 350], offMs: [150, 350], confirmCycles: 2 },
    },
  },
  /** ITU-T E.180 recommended single-frequency plan, 425 Hz (most of Europe). */
  EU: {
    name: 'Europe (425 Hz)',
    tones: {
      'dial-tone': { freqs: [425], levelDbm0: -10, play: [on([425], 10000)], continuousMs: 1500 },
      ringback: { freqs: [425], levelDbm0: -10, play: [on([425], 1000), off(4000)], onMs: [800, 1250], offMs: [3000, 5000], confirmCycles: 1 },
      busy: { freqs: [425], levelDbm0: -10, play: [on([425], 500), off(500)], onMs: [400, 620], offMs: [380, 620], confirmCycles: 2 },
      reorder: { freqs: [425], levelDbm0: -10, play: [on([425], 250), off(250)], onMs: [180, 350], offMs: [150, 350], confirmCycles: 2 },
    },
  },
};

/** Frequency error the detector accepts, Hz (its 20 ms Goertzel bins lose 1.3 dB there; ±50 Hz is the first null). */
export const FREQ_TOLERANCE_HZ = 15;
