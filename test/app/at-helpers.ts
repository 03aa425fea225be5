import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DialPlan } from '../../firmware-app/at/dial-string.ts';
import { AtInterpreter } from '../../firmware-app/at/interpreter.ts';
import type { AtHost } from '../../firmware-app/at/interpreter.ts';
import { ProfileStore } from '../../firmware-app/at/profiles.ts';
import type { ResultCode } from '../../firmware-app/at/result-codes.ts';
import { productInfo } from '../../firmware-app/product.ts';

/** A modem stand-in for driving the AtInterpreter directly: calls end at once with `dialResult`. */
export class FakeHost implements AtHost {
  dials: { plan: DialPlan; text: string }[] = [];
  hangups = 0;
  carrier = 'V21'; // what its ATI pages show (+MS itself is the interpreter's, firmware-app/at/carrier.ts)
  dialResult: ResultCode = 'NO CARRIER';
  at!: AtInterpreter;

  dial(plan: DialPlan, text: string): void {
    this.dials.push({ plan, text });
    this.at.result(plan.returnToCommand ? 'OK' : this.dialResult);
  }
  answer(): void {
    this.at.result('NO CARRIER');
  }
  hangup(): void {
    this.hangups++;
  }
  online(): boolean {
    return false;
  }
  info(n: number): string[] | null {
    return productInfo(n, { carrier: this.carrier, dteFormat: '8N1', flow: 3, stats: { bytesToLine: 0, bytesFromLine: 0, calls: 0 }, lastCall: null, line: null, settings: 'test' });
  }
  changed(): void {}
}

/** A fresh directory; `fast` puts it in memory (/dev/shm) where fsync costs nothing. */
export function tempDir(fast = false): string {
  return mkdtempSync(join(fast && existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'dialtone-at-'));
}

/** An interpreter on a fake host; `send` feeds a line and returns what the modem wrote. */
export function interpreter(dir: string | null = null) {
  const host = new FakeHost();
  const log: string[] = [];
  let out = '';
  const results: ResultCode[] = [];
  const store = new ProfileStore(dir, (l) => log.push(l));
  const at = new AtInterpreter(host, (t) => (out += t), { store, onResult: (c) => results.push(c), log: (l) => log.push(l) });
  host.at = at;
  const send = (text: string | Uint8Array): string => {
    out = '';
    at.feed(typeof text === 'string' ? Buffer.from(text, 'latin1') : text);
    return out;
  };
  return { at, host, log, results, store, send };
}
