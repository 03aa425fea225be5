import type { PumpRole } from '../dsp/pump.ts';
import type { AnswererSignals, FarSignal } from '../dsp/tones/answerer-signals.ts';

/**
 * Why a call ended, by the name the log, ATI6 and the MQTT `call` record's `reason` share (in the spirit of the
 * USR Sportster's ATI6 "Disconnect Reason"). A call that failed before CONNECT says what was heard of the far modem.
 */
export type CallEndReason =
  | 'hangup' // ATH (or ATZ) from the DTE
  | 'DTR' // DTR dropped, with &D2 or &D3
  | 'inactivity' // S30's inactivity timer
  | 'abandoned' // a character from the DTE during dialling or the handshake
  | 'no-answer-tone' // calling: nothing heard from the answering end
  | 'answer-tone-no-carrier' // calling: an answer tone, then no carrier this modem could take
  | 'no-carrier' // answering: nothing heard from the caller
  | 'training-failed' // a carrier was heard, but the handshake never reached CONNECT
  | 'carrier-lost' // the far carrier went away in data mode (S10)
  | 'far-end-hung-up' // the line dropped: the far end hung up
  | 'BUSY'
  | 'NO ANSWER'
  | 'NO DIALTONE'
  | 'NO CARRIER'; // dialling failed otherwise (number not in service, no answer within S7)

export const REASON_TEXT: Record<CallEndReason, string> = {
  hangup: 'ATH: hung up by the DTE',
  DTR: 'DTR dropped (&D2/&D3)',
  inactivity: 'inactivity timer (S30)',
  abandoned: 'abandoned: a key pressed while the call was being placed',
  'no-answer-tone': 'no answer tone',
  'answer-tone-no-carrier': 'answer tone but no carrier',
  'no-carrier': 'no carrier from the caller',
  'training-failed': 'carrier heard but training failed',
  'carrier-lost': 'carrier lost',
  'far-end-hung-up': 'far end hung up (line dropped)',
  BUSY: 'busy',
  'NO ANSWER': 'no answer',
  'NO DIALTONE': 'no dial tone',
  'NO CARRIER': 'no carrier (dialling did not reach a modem)',
};

const SIGNAL_TEXT: Record<FarSignal, string> = {
  ans: '2100 Hz answer tone (V.25)',
  bell: '2225 Hz (Bell answer tone or Bell 103 mark)',
  usb1: 'V.22 unscrambled ones',
  v21: 'V.21 answering carrier (1650/1850 Hz)',
  v23: 'V.23 carrier (1300 Hz mark; AT+MS=V23C calls it)',
  silence: 'silence',
  other: 'a carrier or other signal',
};

/**
 * Why a handshake did not connect: `pumpCarrier`, the data pump's own receiver detected the far carrier on its channel
 * (so the training itself failed); otherwise what was heard of the far end (a carrier this pump does not receive,
 * such as V.23 heard by a V.21 caller, still leaves "answer tone but no carrier": `heardText` names it).
 */
export function handshakeVerdict(role: PumpRole, heard: AnswererSignals, pumpCarrier: boolean): CallEndReason {
  if (pumpCarrier) return 'training-failed';
  if (role === 'answerer') return 'no-carrier';
  return heard.answerToneHeard || heard.bellToneHeard ? 'answer-tone-no-carrier' : 'no-answer-tone';
}

/** "heard: 2100 Hz answer tone (V.25), V.21 answering carrier (1650/1850 Hz)" — or "heard nothing". */
export function heardText(heard: AnswererSignals): string {
  if (heard.heard.size === 0) return 'heard nothing from the far end';
  return `heard: ${[...heard.heard].map((s) => SIGNAL_TEXT[s]).join(', ')}`;
}
