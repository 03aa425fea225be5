import type { OptionName, Profile, StoredState } from './profiles.ts';
import { OPTION_NAMES } from './profiles.ts';
import { S_STORED } from './s-registers.ts';

/** One profile as the &V page prints it: "E1 L2 M1 … &C1 &D2 …", its +MS, then the S-registers, eight to a row. */
function profileLines(p: Profile): string[] {
  const basic = OPTION_NAMES.filter((k) => !k.startsWith('&'));
  const amp = OPTION_NAMES.filter((k) => k.startsWith('&'));
  const show = (k: OptionName): string => `${k}${p.options[k]}`;
  const lines = [basic.map(show).join(' '), amp.map(show).join(' ')];
  if (p.carrier) lines.push(`+MS=${p.carrier}`);
  const regs = S_STORED.map((n) => `S${String(n).padStart(2, '0')}:${String(p.regs[n]).padStart(3, '0')}`);
  for (let i = 0; i < regs.length; i += 8) lines.push(regs.slice(i, i + 8).join(' '));
  return lines;
}

/** The AT&V page: active profile, the two stored profiles, the stored numbers, as a Hayes 2400 prints them. */
export function profilePage(active: Profile, stored: Readonly<StoredState>): string[] {
  const out = ['ACTIVE PROFILE:', ...profileLines(active), ''];
  for (const n of [0, 1] as const) {
    out.push(`STORED PROFILE ${n}:${stored.powerUp === n ? ' (power-up)' : ''}`, ...profileLines(stored.profiles[n]), '');
  }
  out.push('TELEPHONE NUMBERS:');
  out.push(`0=${stored.numbers[0].padEnd(40)}1=${stored.numbers[1]}`);
  out.push(`2=${stored.numbers[2].padEnd(40)}3=${stored.numbers[3]}`);
  return out;
}
