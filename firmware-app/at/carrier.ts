import type { Modulation } from '../../dsp/pump-factory.ts';

/**
 * The +MS setting (V.250 §6.4.2 "Modulation selection"): the carrier, automode, and the lowest and highest rates.
 * Held by the AT interpreter and in each stored profile (AT&W, ATZ, AT&F), as its +MS text.
 */
export interface CarrierSetting {
  /** 'auto': the automode modems (dsp/automode-caller.ts, dsp/automode-pump.ts), V.22bis down to 300. */
  modulation: Modulation;
  minRate: number;
  maxRate: number;
}

/** V.250 +MS carrier names of the modulations offered (B202: Bell 202, not in V.250's list). */
const CARRIERS: Record<string, Exclude<Modulation, 'auto'>> = {
  V21: 'v21',
  B103: 'bell103',
  V23C: 'v23',
  B202: 'bell202',
  V22: 'v22',
  B212: 'bell212a',
  V22B: 'v22bis',
};
/** The rates each carrier runs at (V.23: the 1200 bit/s forward channel). */
const CARRIER_RATES: Record<Modulation, readonly number[]> = {
  v21: [300],
  bell103: [300],
  v23: [1200],
  bell202: [1200],
  v22: [1200],
  bell212a: [1200],
  v22bis: [1200, 2400],
  auto: [300, 1200, 2400],
};
/** Automode (the second field, 1) from this carrier down: V.22bis, V.22, Bell 212A, V.21 or Bell 103. */
const AUTOMODE_FROM = new Set(['V22B', 'V22', 'B212', 'V21', 'B103']);

/** The rates the automode modems take, highest first: what `maxRate` may cap. */
const AUTO_RATES = [2400, 1200, 300] as const;

export const CARRIER_LIST = '+MS: (V21,B103,V23C,B202,V22,B212,V22B),(0,1),(0,300,1200,2400),(0,300,1200,2400)';

/** The factory +MS of a modulation named in the configuration (modem.modulation): its whole range of rates. */
export function carrierFor(modulation: Modulation): CarrierSetting {
  const rates = CARRIER_RATES[modulation];
  return { modulation, minRate: rates[0], maxRate: rates[rates.length - 1] };
}

/**
 * AT+MS=<carrier>[,<automode>[,<min_rate>[,<max_rate>[,<min_rx_rate>[,<max_rx_rate>]]]]] (V.250 §6.4.2). Rates of 0
 * or left empty mean no limit; the receive rates, if given, must agree with the others (Dialtone's modulations run
 * one rate both ways, but V.23). Automode is off unless the second field is 1 (V.250's default is on; Hayes-era
 * scripts send AT+MS=V22B to mean V.22bis alone). Null when the command asks for something not offered.
 */
export function parseCarrier(args: string): CarrierSetting | null {
  const f = args.split(',').map((x) => x.trim());
  if (f.length > 6) return null;
  const [name, automode = '', ...rateText] = f;
  const fixed = CARRIERS[name];
  if (!fixed || !['', '0', '1'].includes(automode)) return null;
  const rates: number[] = [];
  for (const r of rateText) {
    if (r !== '' && !/^\d{1,6}$/.test(r)) return null;
    rates.push(r === '' ? 0 : Number(r));
  }
  const [min = 0, max = 0, minRx = min, maxRx = max] = rates;
  if (minRx !== min || maxRx !== max) return null;
  if (automode === '1') {
    if (!AUTOMODE_FROM.has(name)) return null;
    // The carrier named is the highest tried; the rate fields may lower it further, or raise the floor.
    const top = Math.min(CARRIER_RATES[fixed].at(-1)!, max || 2400);
    const maxRate = AUTO_RATES.find((r) => r <= top);
    const minRate = [...AUTO_RATES].reverse().find((r) => r >= (min || 300));
    if (maxRate === undefined || minRate === undefined || minRate > maxRate) return null;
    return { modulation: 'auto', minRate, maxRate };
  }
  const offered = CARRIER_RATES[fixed].filter((r) => r >= (min || 0) && r <= (max || Infinity));
  if (offered.length === 0) return null;
  return { modulation: fixed, minRate: offered[0], maxRate: offered[offered.length - 1] };
}

/** AT+MS?'s answer and the profile's text: "V22B,1,300,2400" (automode), "B103,0,300,300". */
export function formatCarrier(c: CarrierSetting): string {
  if (c.modulation === 'auto') return `${c.maxRate === 2400 ? 'V22B' : c.maxRate === 1200 ? 'V22' : 'V21'},1,${c.minRate},${c.maxRate}`;
  const name = Object.keys(CARRIERS).find((k) => CARRIERS[k] === c.modulation) ?? 'V21';
  return `${name},0,${c.minRate},${c.maxRate}`;
}

/** A profile's stored +MS text back to the setting, or null when it is not one this modem offers. */
export function carrierFromText(text: unknown): CarrierSetting | null {
  return typeof text === 'string' ? parseCarrier(text) : null;
}
