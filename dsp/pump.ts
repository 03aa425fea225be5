import type { ReceiverTap } from './tap.ts';
import type { ByteRing } from './uart/byte-ring.ts';

/** Which end of the call a data pump is. */
export type PumpRole = 'caller' | 'answerer';

/**
 * What the daemon (firmware-app/modem.ts) drives, whatever the modulation: one 20 ms frame at a time, bytes in
 * through `tx.queue`, bytes out of `rx`. FskDataPump (dsp/fsk/fsk-pump.ts) and V22bisDataPump
 * (dsp/qam/v22bis-pump.ts) both have this shape.
 *
 * `state` is the pump's own state machine, named for logs and telemetry; two names mean the same for every pump:
 * 'connected' (data flows: report CONNECT `connectRate`) and 'carrier-lost' (the call is over: NO CARRIER). Any other
 * state is part of the handshake. A pump may go from 'connected' back into handshake states (a retrain) and return.
 */
export interface DataPump {
  readonly role: PumpRole;
  readonly state: string;
  /** Bytes to send (the framer in front of the modulator). `busy` while anything is queued or on its way out. */
  readonly tx: { readonly queue: ByteRing; readonly busy: boolean };
  /** Bytes received. */
  readonly rx: ByteRing;
  /** The far modem's carrier is being received (circuit 109). */
  readonly carrier: boolean;
  /** The rate reported in CONNECT once connected (bit/s): 300, 1200, 2400, 1200/75 … */
  readonly connectRate: number;
  /** Received level, dBm0 (telemetry). */
  readonly rxLevelDbm0: number;
  /** Bytes lost because `rx` was full; characters lost to framing errors. */
  readonly overruns: number;
  readonly framingErrors: number;
  /** Line figures the pump measures, for telemetry and the panel (read a few times a second, not per frame). */
  readonly lineStats?: PumpLineStats;
  /** Retrains since the call began, for pumps that retrain. */
  readonly retrains?: number;
  /** Attach a receiver tap (dsp/tap.ts) the receiver fills while attached; null detaches it. */
  setTap?(tap: ReceiverTap | null): void;
  /** One frame: demodulate `rxAudio` (160 samples), write 160 samples of this end's transmission to `txAudio`. */
  process(rxAudio: Int16Array, txAudio: Int16Array): void;
}

/** Line figures a pump may measure; a pump leaves out what it does not measure. */
export interface PumpLineStats {
  /** Equaliser mean squared error relative to the mean point power, dB. */
  readonly mseDb?: number;
  /** Carrier frequency offset estimate, Hz. */
  readonly carrierOffsetHz?: number;
  readonly agcGainDb?: number;
}
