/**
 * The AT side of V.42 error control and V.42bis compression: which V.42 the next call asks for (from &Q / \N, S36
 * and S46 / %C), how CONNECT names the link (W), and the ATI11 page of link statistics.
 *
 *   &Q0, &Q6, \N0, \N1   normal (buffered) connection, no error control (factory)
 *   &Q5, \N3             V.42 LAPM when the far end has it, else a normal connection (S36 = 0: hang up instead)
 *   \N2, \N4             V.42 required: hang up when the far end does not do it (sets &Q5 and S36 = 0)
 *   %C0 / S46=136        no compression;   %C1 / S46=138   V.42bis when error control is on (factory)
 * CONNECT (X1–X4, verbal): W0 "CONNECT 2400/ARQ", W1 and W2 "CONNECT 2400/ARQ/V42" or "CONNECT 2400/ARQ/V42BIS".
 */
import type { DataPump } from '../dsp/pump.ts';
import { V42DataPump, type V42Options } from '../dsp/v42/v42-pump.ts';

export const S46_NO_COMPRESSION = 136;
export const S46_COMPRESSION = 138;

/** The V.42 settings for a call, or null when error control is off (&Q0/&Q6). */
export function errorControlOptions(amperQ: number, s36: number, s46: number): V42Options | null {
  if (amperQ !== 5) return null;
  return { errorControl: s36 === 0 ? 'required' : 'auto', compression: s46 === S46_COMPRESSION };
}

/** \Nn as the &Q option and S36 it stands for, or null for a value not offered. */
export function backslashN(n: number): { amperQ: number; s36?: number } | null {
  switch (n) {
    case 0:
      return { amperQ: 6 };
    case 1:
      return { amperQ: 0 };
    case 2:
    case 4:
      return { amperQ: 5, s36: 0 };
    case 3:
      return { amperQ: 5, s36: 7 };
    default:
      return null;
  }
}

/** What CONNECT adds after the rate: nothing on a normal connection. */
export function connectSuffix(pump: DataPump, w: number): string {
  if (!(pump instanceof V42DataPump) || pump.mode !== 'lapm') return '';
  if (w === 0) return '/ARQ';
  return pump.compressing ? '/ARQ/V42BIS' : '/ARQ/V42';
}

/**
 * The negotiation reports that come before CONNECT with W1 and W2 (verbose only), in the words Windows' Unimodem and
 * the usual modem INFs list as responses: CARRIER <line rate>, PROTOCOL: LAPM or NONE, COMPRESSION: V.42BIS or NONE.
 */
export function negotiationReports(pump: DataPump, w: number): string[] {
  if (w === 0) return [];
  const lapm = pump instanceof V42DataPump && pump.mode === 'lapm';
  const compressing = lapm && (pump as V42DataPump).compressing;
  return [`CARRIER ${pump.connectRate}`, `PROTOCOL: ${lapm ? 'LAPM' : 'NONE'}`, `COMPRESSION: ${compressing ? 'V.42BIS' : 'NONE'}`];
}

function row(a: string, av: string | number, b = '', bv: string | number = ''): string {
  return `${a.padEnd(20)}${String(av).padStart(10)}    ${b.padEnd(18)}${String(bv).padStart(10)}`.trimEnd();
}

/** The V.42 link of the call in progress or the last one: ATI11. */
export function linkPage(pump: V42DataPump | null): string[] {
  if (!pump) return ['No error-corrected call since power-up'];
  if (pump.mode !== 'lapm') return [`Error control: none (${pump.reason || 'not negotiated'})`];
  const s = pump.stats;
  const p = pump.params;
  const ratio = (dte: number, line: number): string => (line > 0 ? (dte / line).toFixed(2) : '-');
  return [
    `Error control: V.42 LAPM, k=${p.kTx}, N401=${p.n401Tx}; compression: ${pump.compressing ? `V.42bis P0=${p.p0} P1=${p.p1} P2=${p.p2}` : 'none'}`,
    row('Frames sent', s.iFramesSent, 'Frames received', s.iFramesReceived),
    row('Retransmitted', s.retransmissions, 'Bad FCS', s.badFcs),
    row('REJ / SREJ sent', `${s.rejSent} / ${s.srejSent}`, 'T401 timeouts', s.timeouts),
    row('Chars from DTE', s.dteBytesOut, 'Octets sent', s.lineBytesOut),
    row('Chars to DTE', s.dteBytesIn, 'Octets received', s.lineBytesIn),
    row('Compression (tx)', ratio(s.dteBytesOut, s.lineBytesOut), 'Compression (rx)', ratio(s.dteBytesIn, s.lineBytesIn)),
  ];
}
