import { AutomodePump, type AnswerStandard } from './automode-pump.ts';
import { DEFAULT_TIMINGS, FskDataPump } from './fsk/fsk-pump.ts';
import { FSK_MODES } from './fsk/specs.ts';
import type { FskModulation } from './fsk/specs.ts';
import type { DataPump, PumpRole } from './pump.ts';
import { V22bisDataPump } from './qam/v22bis-pump.ts';
import { V42DataPump, type V42Options } from './v42/v42-pump.ts';

/**
 * Every modulation Dialtone offers, by the name configuration and telemetry use. 'auto': answering, the automode
 * answerer (dsp/automode-pump.ts: V.22bis, V.22, Bell 212A, V.21 or Bell 103, whichever calls); calling, V.22bis
 * (which takes V.22 or Bell 212A from what answers).
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
}

/** A data pump of `modulation` for one end of a call. */
export function createDataPump(modulation: Modulation, role: PumpRole, s: PumpSettings): DataPump {
  switch (modulation) {
    case 'auto':
      if (role === 'answerer') {
        const pump = new AutomodePump({ txLevelDbm0: s.txLevelDbm0, carrierDetectMs: s.carrierDetectMs, carrierLossMs: s.carrierLossMs, standard: s.standard });
        // V.42 over a V.22bis, V.22 or Bell 212A caller; an FSK caller's bytes pass through it (AutomodePump.syncData).
        return s.v42 ? new V42DataPump(pump, s.v42) : pump;
      }
      return createDataPump('v22bis', role, s);
    case 'v22':
    case 'v22bis':
    case 'bell212a': {
      const pump = new V22bisDataPump(role, {
        maxRate: modulation === 'v22bis' ? 2400 : 1200,
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
