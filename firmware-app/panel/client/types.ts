import type { LineQuality } from '../line-quality.ts';

// The line figures are the server's own type (type-only: nothing of the server is bundled into the page).
export type { LineQuality };

/** The shapes the server sends (firmware-app/panel/live-feed.ts, call-log.ts), as the page reads them. */
export interface Snapshot {
  panel: {
    state: string;
    leds: Record<string, boolean | undefined>;
    modulation: string;
    dte: { port: string; speed: number | null; format: string };
    recording: boolean;
    call: {
      direction: string;
      number: string;
      rate: number | null;
      lineMs: number;
      connectedMs: number;
      bytesToLine: number;
      bytesFromLine: number;
      chain: string | null;
    } | null;
    lineS: number;
  };
  live: { kind: 'constellation' | 'tones' | null; points: number[]; spectrum: number[] | null; quality: LineQuality; pumpState: string | null } | null;
}

export interface CallEntry {
  direction: string;
  number: string;
  modulation: string;
  rate: number | null;
  startedAt: number;
  durationMs: number;
  connectedMs: number;
  bytesToLine: number;
  bytesFromLine: number;
  result: string;
  chain?: string | null;
  recording?: string;
}

export interface ConfigView {
  effective: unknown;
  file: string | null;
  messages: string[];
  allowChanges: boolean;
}
