/**
 * The built-in web panel (issue 11), wired to the modem: the live feed, the call log with recordings, and the HTTP
 * server. `startPanel` returns the URL to print, or null when the panel is off or could not start (the modem runs
 * on either way; the reason is logged).
 */
import type { DialtoneConfig } from '../../config/schema.ts';
import { ConfigError, formatIssue, loadConfig } from '../config.ts';
import type { Modem } from '../modem.ts';
import { lazyAssets } from './build.ts';
import { CallLog } from './call-log.ts';
import { LiveFeed } from './live-feed.ts';
import { CallRecorder } from './recorder.ts';
import { PanelServer } from './server.ts';

export interface PanelOptions {
  cfg: DialtoneConfig;
  /** The configuration file given with --config, re-checked when the panel shows its validation messages. */
  configPath: string | null;
  modem: Modem;
  stateDir: string;
  dte: { port: string; speed: number | null };
  lineMs: () => number;
  log: (line: string) => void;
}

export interface Panel {
  url: string | null;
  close(): void;
}

/** The configuration as it is in effect, with secrets left out. */
export function redacted(cfg: DialtoneConfig): unknown {
  return JSON.parse(JSON.stringify(cfg, (k, v: unknown) => (k === 'password' ? (v ? '(set)' : null) : v)));
}

function validationMessages(path: string | null): string[] {
  if (!path) return [];
  try {
    loadConfig(path);
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.issues.map(formatIssue);
    return [(err as Error).message];
  }
}

/** Call log and recording follow the modem whether or not the HTTP side starts. */
function wireCalls(o: PanelOptions): { calls: CallLog; recorder: CallRecorder } {
  const { modem } = o;
  const calls = new CallLog(o.stateDir, o.log);
  const recorder = new CallRecorder(o.stateDir, o.cfg.recording.keep, o.log);
  modem.recording = o.cfg.recording.enabled;
  modem.frameTaps.push((rx, tx) => {
    if (modem.recording && recorder.recordingNow === null && modem.currentCall) recorder.start(modem.currentCall.direction);
    recorder.frame(rx, tx);
  });
  modem.events.on('call-end', (record) => {
    const recording = recorder.finish();
    calls.add(recording ? { ...record, recording } : record);
  });
  return { calls, recorder };
}

export async function startPanel(o: PanelOptions): Promise<Panel> {
  const { calls, recorder } = wireCalls(o);
  const p = o.cfg.panel;
  if (!p.enabled) return { url: null, close: () => {} };
  const feed = new LiveFeed({ modem: o.modem, dte: o.dte, lineMs: o.lineMs });
  o.modem.changed(); // the LEDs as they are now, for the feed
  let server: PanelServer;
  try {
    server = new PanelServer({
      assets: lazyAssets(),
      feed,
      calls,
      config: () => ({ effective: redacted(o.cfg), file: o.configPath, messages: validationMessages(o.configPath) }),
      recordingsDir: recorder.dir,
      password: p.password,
      allowChanges: p.allowChanges,
      privacy: { showNumbers: o.cfg.mqtt.publishNumbers, routes: o.cfg.exchange.numbers },
      actions: { setRecording: (on) => (o.modem.recording = on), hangup: () => o.modem.hangup() },
      log: o.log,
    });
    const addr = await server.listen(p.listen, p.port);
    const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
    return { url: `http://${host}:${addr.port}/`, close: () => server.close() };
  } catch (err) {
    o.log(`panel: not started: ${(err as Error).message}`);
    return { url: null, close: () => {} };
  }
}
