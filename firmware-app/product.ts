import { REASON_TEXT } from './call-end.ts';
import type { CallEndReason } from './call-end.ts';

/** ATIn pages: identification, capabilities, settings, last-call statistics, line quality. */
export const PRODUCT = 'Dialtone softmodem';
export const VERSION = '0.1.0';

/** The last call, as ATI6 reports it. */
export interface CallStatistics {
  direction: 'outgoing' | 'incoming';
  number: string;
  modulation: string;
  rate: number | null;
  durationMs: number;
  connectedMs: number;
  bytesToLine: number;
  bytesFromLine: number;
  result: string;
  framingErrors: number;
  overruns: number;
  lostFromDte: number;
  breaks: number;
  rxLevelDbm0: number | null;
  /** The channel chain the call crossed (simulated exchange), or null. */
  chain?: string | null;
}

/** What the pages read from the modem. Nothing from the configuration file is shown (it may hold secrets). */
export interface ProductSource {
  carrier: string;
  dteFormat: string;
  flow: number;
  stats: { bytesToLine: number; bytesFromLine: number; calls: number };
  lastCall: CallStatistics | null;
  /** The call in progress so far (ATI6 during a call). */
  currentCall?: CallStatistics | null;
  /** The channel chain the call in progress crosses (simulated exchange), or null. */
  chain?: string | null;
  /** The call in progress: receive level, carrier, framing errors. */
  line: { rxLevelDbm0: number; carrier: boolean; framingErrors: number; overruns: number } | null;
  settings: string;
}

/** Every modulation offered, with its +MS carrier name. */
const MODULATIONS = [
  'V.22bis 2400 bit/s (V22B)',
  'V.22 1200 bit/s (V22)',
  'Bell 212A 1200 bit/s (B212)',
  'V.21 300 bit/s (V21)',
  'Bell 103 300 bit/s (B103)',
  'V.23 1200/75 bit/s (V23C)',
  'Bell 202 1200 bit/s half duplex (B202)',
  'Automode (V22B,1): V.22bis, V.22, Bell 212A, V.21 or Bell 103, calling and answering',
];
/** The telephone line backends (configuration line.backend). */
const LINE_BACKENDS = ['simulated exchange', 'Bluetooth HFP phone (oFono, BlueALSA)', 'sound card with hook relay'];

function checksum(): string {
  let sum = 0;
  for (const c of `${PRODUCT} ${VERSION}`) sum = (sum + c.charCodeAt(0)) & 0xff;
  return String(sum).padStart(3, '0');
}

function hms(ms: number): string {
  const s = Math.round(ms / 1000);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${p(Math.floor(s / 3600))}:${p(Math.floor(s / 60) % 60)}:${p(s % 60)}`;
}

function row(a: string, av: string | number, b = '', bv: string | number = ''): string {
  return `${a.padEnd(20)}${String(av).padStart(10)}    ${b.padEnd(18)}${String(bv).padStart(10)}`.trimEnd();
}

function capabilities(m: ProductSource): string[] {
  return [
    `${PRODUCT} ${VERSION}`,
    'Modulations:',
    ...MODULATIONS.map((x) => `  ${x}`),
    `Selected carrier (+MS): ${m.carrier}`,
    'DTE: 300-115200 bit/s, 8N1 7E1 7O1 (detected from AT)',
    'Flow control: &K0 none, &K3 RTS/CTS, &K4 XON/XOFF',
    'Result codes: X0-X4, verbal (V1) and numeric (V0)',
    'Dialling: tone and pulse, W , ; ! @ L S=n',
    'Stored profiles: 2 (with +MS); stored numbers: 4',
    'Error correction: V.42 LAPM (&Q5; \\N2 reliable only, \\N3 with fallback to normal), over V.22bis/V.22/212A',
    'Compression: V.42bis (%C1, S46)',
    'Line backends:',
    ...LINE_BACKENDS.map((x) => `  ${x}`),
  ];
}

/** ATI6, after USR's: the call in progress if there is one, else the last call, with its disconnect reason. */
function lastCall(m: ProductSource): string[] {
  const c = m.currentCall ?? m.lastCall;
  if (!c) return ['No call since power-up'];
  return [
    m.currentCall ? 'Call in progress' : 'Last call',
    row('Chars sent', c.bytesToLine, 'Chars received', c.bytesFromLine),
    row('Chars lost (DTE)', c.lostFromDte, 'Overruns', c.overruns),
    row('Framing errors', c.framingErrors, 'Breaks sent', c.breaks),
    row('Call direction', c.direction, 'Number', c.number),
    row('Modulation', c.modulation, 'Rate', c.rate ?? '-'),
    row('Call duration', hms(c.durationMs), 'Online', hms(c.connectedMs)),
    row('Receive level', c.rxLevelDbm0 === null ? '-' : `${c.rxLevelDbm0.toFixed(1)} dBm0`),
    m.currentCall ? `Disconnect reason    - (in progress)` : `Disconnect reason    ${describe(c.result)}`,
    `Channel              ${c.chain ?? '-'}`,
  ];
}

/** "answer-tone-no-carrier (answer tone but no carrier)": the name the log and MQTT use, then what it means. */
function describe(reason: string): string {
  const text = REASON_TEXT[reason as CallEndReason] as string | undefined;
  return text ? `${reason} (${text})` : reason;
}

function lineQuality(m: ProductSource): string[] {
  const l = m.line;
  if (!l) return ['No call in progress', ...(m.lastCall ? [`Last call receive level: ${m.lastCall.rxLevelDbm0?.toFixed(1) ?? '-'} dBm0`] : [])];
  return [
    row('Receive level', `${l.rxLevelDbm0.toFixed(1)} dBm0`, 'Carrier', l.carrier ? 'yes' : 'no'),
    row('Framing errors', l.framingErrors, 'Overruns', l.overruns),
    `Channel              ${m.chain ?? '-'}`,
  ];
}

export function productInfo(n: number, m: ProductSource): string[] | null {
  switch (n) {
    case 0:
      return ['2400']; // the product code, as a Smartmodem 2400 answers it: its top rate
    case 1:
      return [checksum()];
    case 2:
      return ['OK'];
    case 3:
      return [`${PRODUCT} ${VERSION}`];
    case 4:
      return capabilities(m);
    case 5:
      return [m.settings, `DTE framing ${m.dteFormat}, flow &K${m.flow}, carrier ${m.carrier}`];
    case 6:
      return lastCall(m);
    case 7:
      return lineQuality(m);
    default:
      return null;
  }
}
