/** Tone plans of the FSK modems. Mark is binary 1, space binary 0. */

export interface FskChannel {
  readonly name: string;
  readonly markHz: number;
  readonly spaceHz: number;
  readonly baud: number;
}

export type FskModulation = 'v21' | 'bell103' | 'v23' | 'bell202';

export interface FskMode {
  readonly modulation: FskModulation;
  /** Channel the calling (originating) modem transmits on. */
  readonly caller: FskChannel;
  /** Channel the answering modem transmits on. */
  readonly answerer: FskChannel;
  /** One channel shared in turn (Bell 202). */
  readonly halfDuplex: boolean;
  /** The answer tone: 2100 Hz (ITU-T V.25) or 2225 Hz (Bell). */
  readonly answerToneHz: number;
  /** Received line signal detector thresholds, dBm0: on above, off below (hysteresis). */
  readonly carrierOnDbm0: number;
  readonly carrierOffDbm0: number;
  /** The rate shown in CONNECT: the rate the caller receives. */
  readonly connectRate: number;
}

// ITU-T V.21 §2: channel 1 F_Z 980 Hz, F_A 1180 Hz; channel 2 F_Z 1650 Hz, F_A 1850 Hz; 300 bit/s.
export const V21_CH1: FskChannel = { name: 'v21ch1', markHz: 980, spaceHz: 1180, baud: 300 };
export const V21_CH2: FskChannel = { name: 'v21ch2', markHz: 1650, spaceHz: 1850, baud: 300 };
// Bell 103: originate mark 1270 / space 1070 Hz, answer mark 2225 / space 2025 Hz; 300 bit/s.
export const BELL103_ORIGINATE: FskChannel = { name: 'bell103ch1', markHz: 1270, spaceHz: 1070, baud: 300 };
export const BELL103_ANSWER: FskChannel = { name: 'bell103ch2', markHz: 2225, spaceHz: 2025, baud: 300 };
// ITU-T V.23 §2: mode 2 forward channel 1300/2100 Hz at 1200 bit/s; backward channel 390/450 Hz at 75 bit/s.
export const V23_FORWARD: FskChannel = { name: 'v23ch1', markHz: 1300, spaceHz: 2100, baud: 1200 };
export const V23_BACKWARD: FskChannel = { name: 'v23ch2', markHz: 390, spaceHz: 450, baud: 75 };
// Bell 202: mark 1200 / space 2200 Hz, 1200 bit/s, half duplex.
export const BELL202: FskChannel = { name: 'bell202', markHz: 1200, spaceHz: 2200, baud: 1200 };

// V.21 §7 and V.23 §6: circuit 109 must be on above −43 dBm and off below −48 dBm, with hysteresis; Bell 103/202
// data sets use the same window. The thresholds sit inside it with 2.5 dB of hysteresis and margin for the
// level estimate's ±1 dB.
const CD_ON = -45;
const CD_OFF = -47.5;

export const FSK_MODES: Readonly<Record<FskModulation, FskMode>> = {
  v21: { modulation: 'v21', caller: V21_CH1, answerer: V21_CH2, halfDuplex: false, answerToneHz: 2100, carrierOnDbm0: CD_ON, carrierOffDbm0: CD_OFF, connectRate: 300 },
  bell103: { modulation: 'bell103', caller: BELL103_ORIGINATE, answerer: BELL103_ANSWER, halfDuplex: false, answerToneHz: 2225, carrierOnDbm0: CD_ON, carrierOffDbm0: CD_OFF, connectRate: 300 },
  // The answering host sends 1200 bit/s; the caller (the terminal) sends on the 75 bit/s backward channel.
  v23: { modulation: 'v23', caller: V23_BACKWARD, answerer: V23_FORWARD, halfDuplex: false, answerToneHz: 2100, carrierOnDbm0: CD_ON, carrierOffDbm0: CD_OFF, connectRate: 1200 },
  bell202: { modulation: 'bell202', caller: BELL202, answerer: BELL202, halfDuplex: true, answerToneHz: 2225, carrierOnDbm0: CD_ON, carrierOffDbm0: CD_OFF, connectRate: 1200 },
};

export const FSK_CHANNELS: Readonly<Record<string, FskChannel>> = Object.fromEntries(
  [V21_CH1, V21_CH2, BELL103_ORIGINATE, BELL103_ANSWER, V23_FORWARD, V23_BACKWARD, BELL202].map((c) => [c.name, c]),
);
