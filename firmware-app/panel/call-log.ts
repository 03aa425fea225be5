/**
 * The panel's call log: the last 100 calls, the same records the MQTT `call` topic is made from
 * (firmware-app/modem.ts CallRecord), plus the recording's file name when the call was recorded. Kept in
 * `<state>/calls.json` across restarts; written whole after each call (write to a temporary file, then rename,
 * so a power cut leaves the old or the new file, never half of one).
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CallRecord } from '../modem.ts';

export const CALL_LOG_SIZE = 100;

export interface CallLogEntry extends CallRecord {
  /** File name under <state>/recordings, when the call was recorded. */
  recording?: string;
}

export class CallLog {
  private entries: CallLogEntry[] = [];
  /** Counts additions (viewers compare it to know when to refresh). */
  version = 0;
  private readonly file: string | null;

  constructor(
    stateDir: string | null,
    private readonly log: (line: string) => void,
  ) {
    this.file = stateDir === null ? null : join(stateDir, 'calls.json');
    if (this.file) this.entries = this.load(this.file);
  }

  private load(file: string): CallLogEntry[] {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      return []; // no calls yet
    }
    try {
      const data: unknown = JSON.parse(text);
      if (!Array.isArray(data)) throw new Error('not a list');
      return data
        .filter((e): e is CallLogEntry => typeof e === 'object' && e !== null && typeof (e as CallLogEntry).startedAt === 'number')
        .slice(-CALL_LOG_SIZE);
    } catch (err) {
      this.log(`panel: call log ${file} unreadable (${(err as Error).message}); starting a new one`);
      return [];
    }
  }

  /** Newest last. */
  get all(): readonly CallLogEntry[] {
    return this.entries;
  }

  add(entry: CallLogEntry): void {
    this.version++;
    this.entries.push(entry);
    if (this.entries.length > CALL_LOG_SIZE) this.entries.splice(0, this.entries.length - CALL_LOG_SIZE);
    if (!this.file) return;
    try {
      mkdirSync(join(this.file, '..'), { recursive: true });
      const tmp = `${this.file}.tmp`;
      writeFileSync(tmp, JSON.stringify(this.entries));
      renameSync(tmp, this.file);
    } catch (err) {
      this.log(`panel: cannot save the call log to ${this.file}: ${(err as Error).message}`);
    }
  }
}
