/**
 * LAPM frame formats (V.42 §8.1.2, modulo-128 sequence numbers): one address octet (DLCI 0, C/R, EA = 1), the
 * control field (two octets for I and S frames, one for U frames), and the information field.
 */

/** U-frame control octets with P/F = 0 (V.42 Table 7). */
export const U = {
  SABME: 0x6f,
  UA: 0x63,
  DISC: 0x43,
  DM: 0x0f,
  FRMR: 0x87,
  XID: 0xaf,
  UI: 0x03,
  TEST: 0xe3,
} as const;
/** The P/F bit of a U frame's control octet. */
export const U_PF = 0x10;

/** S-frame first control octets (V.42 Table 6). */
export const S = { RR: 0x01, RNR: 0x05, REJ: 0x09, SREJ: 0x0d } as const;

export type LapmRole = 'originator' | 'answerer';

/**
 * V.42 §8.1.2.2: the originator sends commands with C/R = 1 and responses with C/R = 0; the answerer the opposite.
 * DLCI 0 (the data link between the two error-correcting entities).
 */
export function address(role: LapmRole, command: boolean): number {
  const cr = (role === 'originator') === command ? 2 : 0;
  return cr | 1;
}

/** Whether a received address octet marks a command (from the far end, whose role is the other one). */
export function isCommand(role: LapmRole, addr: number): boolean {
  const farOriginator = role === 'answerer';
  return ((addr & 2) !== 0) === farOriginator;
}

export type ParsedFrame =
  | { kind: 'I'; command: boolean; ns: number; nr: number; pf: boolean; info: Uint8Array }
  | { kind: 'RR' | 'RNR' | 'REJ' | 'SREJ'; command: boolean; nr: number; pf: boolean }
  | { kind: keyof typeof U; command: boolean; pf: boolean; info: Uint8Array }
  | { kind: 'invalid'; command: boolean };

const S_NAMES: Record<number, 'RR' | 'RNR' | 'REJ' | 'SREJ'> = { 0x01: 'RR', 0x05: 'RNR', 0x09: 'REJ', 0x0d: 'SREJ' };
const U_NAMES = new Map<number, keyof typeof U>(Object.entries(U).map(([k, v]) => [v, k as keyof typeof U]));

export function parseFrame(role: LapmRole, f: Uint8Array): ParsedFrame {
  const command = isCommand(role, f[0]);
  if (f.length < 2 || (f[0] & 1) === 0 || f[0] >> 2 !== 0) return { kind: 'invalid', command };
  const c = f[1];
  if ((c & 1) === 0) {
    if (f.length < 3) return { kind: 'invalid', command };
    return { kind: 'I', command, ns: c >> 1, nr: f[2] >> 1, pf: (f[2] & 1) === 1, info: f.subarray(3) };
  }
  if ((c & 3) === 1) {
    const name = S_NAMES[c];
    if (!name || f.length !== 3) return { kind: 'invalid', command };
    return { kind: name, command, nr: f[2] >> 1, pf: (f[2] & 1) === 1 };
  }
  const name = U_NAMES.get(c & ~U_PF);
  if (!name) return { kind: 'invalid', command };
  return { kind: name, command, pf: (c & U_PF) !== 0, info: f.subarray(2) };
}

export function iFrame(role: LapmRole, ns: number, nr: number, info: Uint8Array, p = false): Uint8Array {
  const f = new Uint8Array(3 + info.length);
  f[0] = address(role, true);
  f[1] = (ns << 1) & 0xfe;
  f[2] = ((nr << 1) & 0xfe) | (p ? 1 : 0);
  f.set(info, 3);
  return f;
}

export function sFrame(role: LapmRole, type: number, command: boolean, nr: number, pf: boolean): Uint8Array {
  return Uint8Array.of(address(role, command), type, ((nr << 1) & 0xfe) | (pf ? 1 : 0));
}

export function uFrame(role: LapmRole, type: number, command: boolean, pf: boolean, info?: Uint8Array): Uint8Array {
  const f = new Uint8Array(2 + (info?.length ?? 0));
  f[0] = address(role, command);
  f[1] = type | (pf ? U_PF : 0);
  if (info) f.set(info, 2);
  return f;
}
