import { Attenuation } from './attenuation.ts';
import { Awgn } from './awgn.ts';
import { BandLimit } from './band-limit.ts';
import { FlatDelay } from './delay.ts';
import { FrequencyOffset } from './frequency-offset.ts';
import { G711RoundTrip } from './g711.ts';
import { Gsm610RoundTrip } from './gsm610/round-trip.ts';
import { ChannelChain, type ChannelStage } from './stage.ts';

/** One direction of a telephone connection, as plain data (from configuration or a test). */
export interface LineModelOptions {
  /** 300–3400 Hz band limit (default false). */
  bandLimit?: boolean;
  /** Loss in dB (negative: gain). */
  attenuationDb?: number;
  /** Codec round trip: G.711 μ-law or A-law, or GSM 06.10 full rate (a cellular leg). */
  codec?: 'ulaw' | 'alaw' | 'gsm';
  /** Carrier frequency offset in Hz. */
  frequencyOffsetHz?: number;
  /** Flat (propagation) delay in ms. */
  delayMs?: number;
  /** SNR in dB over 0–4000 Hz, against signalDbm0 measured at the receiver (after attenuationDb). */
  snrDb?: number;
  /** Nominal transmit level the SNR refers to, before attenuation (default −10 dBm0). */
  signalDbm0?: number;
  /** Noise generator seed (default 1). */
  seed?: number;
}

const KEYS = ['bandLimit', 'attenuationDb', 'codec', 'frequencyOffsetHz', 'delayMs', 'snrDb', 'signalDbm0', 'seed'];

function fail(key: string, why: string, value: unknown): never {
  throw new Error(`lineModel: ${key} ${why}, got ${JSON.stringify(value)}`);
}

function checkNumber(opts: LineModelOptions, key: keyof LineModelOptions, min: number, max: number): void {
  const v = opts[key];
  if (v === undefined) return;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) fail(key, `must be a number from ${min} to ${max}`, v);
}

/** Check a line-model config, throwing an Error that names the first bad key. */
export function validateLineModel(opts: LineModelOptions): void {
  if (typeof opts !== 'object' || opts === null) throw new Error('lineModel: options must be an object');
  for (const key of Object.keys(opts)) if (!KEYS.includes(key)) fail(key, `is not an option (expected one of ${KEYS.join(', ')})`, (opts as Record<string, unknown>)[key]);
  if (opts.bandLimit !== undefined && typeof opts.bandLimit !== 'boolean') fail('bandLimit', 'must be true or false', opts.bandLimit);
  if (opts.codec !== undefined && !['ulaw', 'alaw', 'gsm'].includes(opts.codec)) fail('codec', "must be 'ulaw', 'alaw' or 'gsm'", opts.codec);
  checkNumber(opts, 'attenuationDb', -20, 80);
  checkNumber(opts, 'frequencyOffsetHz', -100, 100);
  checkNumber(opts, 'delayMs', 0, 10_000);
  checkNumber(opts, 'snrDb', -20, 100);
  checkNumber(opts, 'signalDbm0', -60, 3.14);
  if (opts.seed !== undefined && !Number.isInteger(opts.seed)) fail('seed', 'must be an integer', opts.seed);
  if (opts.signalDbm0 !== undefined && opts.snrDb === undefined) fail('signalDbm0', 'needs snrDb beside it', opts.signalDbm0);
}

/**
 * A channel from a plain config, stages in the order a call meets them: the band limit of the access line, the
 * codec of the digital network, the frequency offset of an analogue carrier leg, the delay, the loss, and last the
 * noise, so that snrDb is what the receiver sees. Options left out add no stage.
 */
export function lineModel(opts: LineModelOptions = {}): ChannelChain {
  validateLineModel(opts);
  const stages: ChannelStage[] = [];
  if (opts.bandLimit) stages.push(new BandLimit());
  if (opts.codec === 'gsm') stages.push(new Gsm610RoundTrip());
  else if (opts.codec) stages.push(new G711RoundTrip(opts.codec));
  if (opts.frequencyOffsetHz) stages.push(new FrequencyOffset(opts.frequencyOffsetHz));
  if (opts.delayMs) stages.push(new FlatDelay({ ms: opts.delayMs }));
  if (opts.attenuationDb) stages.push(new Attenuation(opts.attenuationDb));
  if (opts.snrDb !== undefined) {
    const received = (opts.signalDbm0 ?? -10) - (opts.attenuationDb ?? 0);
    stages.push(new Awgn({ snrDb: opts.snrDb, signalDbm0: received, seed: opts.seed ?? 1 }));
  }
  return new ChannelChain(stages);
}
