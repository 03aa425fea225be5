import { AutomodeCaller } from './automode-caller.ts';
import { AutomodePump, type AnswerStandard } from './automode-pump.ts';
import { DEFAULT_TIMINGS, FskDataPump } from './fsk/fsk-pump.ts';
import { FSK_MODES } from './fsk/specs.ts';
import type { FskModulation } from './fsk/specs.ts';
import type { DataPump, PumpRole } from './pump.ts';
import { V22bisDataPump } from './qam/v22bis-pump.ts';
import { V42DataPump, type V42Options } from './v42/v42-pump.ts';

/**
 * Every modulation Dialtone offers, by the name configuration and telemetry use. 'auto': answering, the automode
 * answerer (dsp/automode-pump.ts: V.22bis, V.22, Bell 212A, V.21 or Bell 103, whichever calls); calling, the
 * automode caller (dsp/automode-caller.ts: V.22bis first, then V.22, Bell 212A, V.21 or Bell 103, whatever answers).
 */
export type Modulation = FskModulation | 'v22' | 'bell212a' | 'v22bis' | 'auto';

export const MODULATIONS: readonly Modulation[] = ['v21', 'bell103', 'v23', 'bell202', 'v22', 'bell212a', 'v22bis', 'auto'];

export interface PumpSettings {
  txLevelDbm0: number;
  /** Far carrier must hold this long before connecting (S9), FSK only. */
  carrierDetectMs: number;
  /** Carrier may vanish this long before the call drops (S10). */
  carrierLossMs: number;
  /** FSK answer tone length; undefined: V.25's 3.3 s. */
  answerToneMs?: number;
  /** V.42 error control (and V.42bis) over the V.22 family (automode too); FSK modulations and callers ignore it. */
  v42?: V42Options | null;
  /** ATB0 ('itu') or ATB1 ('bell'): the automode answerer's answer tone and first offers (dsp/automode-pump.ts). */
  standard?: AnswerStandard;
  /** Automode: the highest and lowest rates tried (V.250 +MS rate fields); default 2400 and 300. */
  maxRate?: 300 | 1200 | 2400;
  minRate?: 300 | 1200 | 2400;
}

/** A data pump of `modulation` for one end of a call. */
export function createDataPump(modulation: Modulation, role: PumpRole, s: PumpSettings): DataPump {
  switch (modulation) {
    case 'auto': {
      const common = { txLevelDbm0: s.txLevelDbm0, carrierDetectMs: s.carrierDetectMs, carrierLossMs: s.carrierLossMs, standard: s.standard };
      const pump =
        role === 'answerer'
          ? new AutomodePump({ ...common, maxRate: s.maxRate === 1200 ? 1200 : 2400 })
          : new AutomodeCaller({ ...common, maxRate: s.maxRate, minRate: s.minRate });
      // V.42 over a V.22bis, V.22 or Bell 212A peer; an FSK peer's bytes pass through it (the pumps' syncData).
      return s.v42 ? new V42DataPump(pump, s.v42) : pump;
    }
    case 'v22':
    case 'v22bis':
    case 'bell212a': {
      const pump = new V22bisDataPump(role, {
        maxRate: modulation === 'v22bis' && s.maxRate !== 1200 ? 2400 : 1200, // AT+MS=V22B,0,1200,1200: V.22bis capped
        bell: modulation === 'bell212a' && role === 'answerer',
        txLevelDbm0: s.txLevelDbm0,
        carrierLossMs: s.carrierLossMs,
        // Its own answer tone (3.0 s, inside V.25's 3.3 ± 0.7 s) keeps CONNECT within 5 s.
      });
      return s.v42 ? new V42DataPump(pump, s.v42) : pump;
    }
    default:
      return new FskDataPump(FSK_MODES[modulation], role, {
        ...DEFAULT_TIMINGS,
        txLevelDbm0: s.txLevelDbm0,
        carrierDetectMs: s.carrierDetectMs,
        carrierLossMs: s.carrierLossMs,
        answerToneMs: s.answerToneMs ?? DEFAULT_TIMINGS.answerToneMs,
      });
  }
}
