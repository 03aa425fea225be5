import type { AudioDevice } from '../hal/audio/audio-device.ts';
import type { GpioChip } from '../hal/gpio/gpio.ts';
import type { InternetLine, InternetSession } from '../hal/line/internet/internet-line.ts';
import type { PhoneLine } from '../hal/line/phone-line.ts';
import type { SimulatedExchange } from '../hal/line/simulated-exchange.ts';
import { AudioClock } from './audio-clock.ts';
import type { DialtoneConfig } from '../config/schema.ts';
import { FrameClock } from './frame-clock.ts';

/** The telephone line the configuration names, its audio device, and the clock that drives the modem's frames. */
export interface LineParts {
  /** What the modem dials: the telephone line, or the Internet beside it (hal/line/internet/routed-line.ts). */
  line: PhoneLine;
  /** The telephone line itself (null with line.backend internet). */
  phone: PhoneLine | null;
  /** The simulated exchange (what `dialtone ring` rings), when it is the line. */
  exchange: SimulatedExchange | null;
  audio: AudioDevice | null;
  clock: FrameClock;
  /** The Internet line (internet.enabled, or line.backend internet), and what AT#TELNET and AT#SPEED change. */
  internet: InternetLine | null;
  session: InternetSession;
}

export interface LineDeps {
  log: (line: string) => void;
  /** Opens the GPIO chip (the sound card line's hook relay and ring detector). */
  gpio?: () => GpioChip | Promise<GpioChip>;
  /** The DTE port's speed, which Internet calls are paced at unless configured otherwise. */
  dteSpeed?: () => number | null;
}

/** The ALSA names and rate each line uses unless the configuration says otherwise. */
export function audioDefaults(cfg: DialtoneConfig): { capture: string; playback: string; rate: number } {
  const a = cfg.line.audio;
  const bt = cfg.line.backend === 'bluetooth';
  const pcm = bt ? `bluealsa:DEV=${cfg.line.bluetooth.phone ?? '00:00:00:00:00:00'},PROFILE=sco` : 'default';
  return { capture: a.capture ?? pcm, playback: a.playback ?? a.capture ?? pcm, rate: a.rate ?? (bt ? 8000 : 48000) };
}

// The real backends are imported only when configured: a simulation's start-up does not load D-Bus or ALSA code.
async function createAudio(cfg: DialtoneConfig, log: (line: string) => void): Promise<AudioDevice> {
  const a = cfg.line.audio;
  if (a.backend === 'simulated') {
    const { SimulatedAudioDevice } = await import('../hal/audio/simulated-audio.ts');
    return new SimulatedAudioDevice({ pace: cfg.clock });
  }
  const { AlsaAudioDevice } = await import('../hal/audio/alsa-device.ts');
  const dev = new AlsaAudioDevice({ ...audioDefaults(cfg), periodMs: a.periodMs, periods: a.periods, maxLatencyMs: a.maxLatencyMs });
  dev.onEvent((e) => log(`audio: ${e.kind}${'stream' in e ? ` (${e.stream})` : ''}${'detail' in e ? `: ${e.detail}` : ''}`));
  return dev;
}

/**
 * The line the modem dials: the configured telephone line, with the Internet beside it (a host name goes there,
 * digits to the phone line, a phone-book number to its host), or the Internet alone (line.backend internet).
 */
export async function createLine(cfg: DialtoneConfig, deps: LineDeps, simulated: () => SimulatedExchange): Promise<LineParts> {
  const session: InternetSession = { telnet: cfg.internet.telnet, lineRate: null };
  const phone =
    cfg.line.backend === 'internet'
      ? { line: null, exchange: null, audio: null, clock: new FrameClock(cfg.clock) }
      : await createPhoneLine(cfg, deps, simulated);
  if (!cfg.internet.enabled && cfg.line.backend !== 'internet') return { ...phone, line: phone.line!, phone: phone.line, internet: null, session };
  const { InternetLine } = await import('../hal/line/internet/internet-line.ts');
  const { RoutedLine } = await import('../hal/line/internet/routed-line.ts');
  const internet = new InternetLine({ cfg: cfg.internet, session, dteSpeed: deps.dteSpeed ?? (() => null), log: deps.log });
  const l = cfg.internet.listen;
  try {
    await internet.listen();
  } catch (err) {
    phone.line?.close();
    throw new Error(`internet.listen: cannot take calls on ${l.address}:${l.port}: ${(err as Error).message}`);
  }
  return { ...phone, line: new RoutedLine(phone.line, internet, cfg.internet.phonebook, deps.log), phone: phone.line, internet, session };
}

async function createPhoneLine(
  cfg: DialtoneConfig,
  deps: LineDeps,
  simulated: () => SimulatedExchange,
): Promise<Omit<LineParts, 'internet' | 'session' | 'phone'>> {
  const { log } = deps;
  if (cfg.line.backend === 'simulated') {
    const exchange = simulated();
    return { line: exchange, exchange, audio: null, clock: new FrameClock(cfg.clock) };
  }
  const audio = await createAudio(cfg, log);
  const clock = new AudioClock(cfg.clock, () => audio);
  if (cfg.line.backend === 'bluetooth') {
    const bt = cfg.line.bluetooth;
    const { BluetoothPhoneLine } = await import('../hal/line/bluetooth-line.ts');
    const { OfonoClient } = await import('../hal/line/ofono.ts');
    const line = new BluetoothPhoneLine({ ofono: new OfonoClient(bt.dbusAddress), audio, phone: bt.phone, log });
    await line.open(); // without the phone yet it keeps looking; calls meanwhile get NO DIALTONE
    return { line, exchange: null, audio, clock };
  }
  if (!deps.gpio) throw new Error('line.backend soundcard needs a GPIO chip for its hook relay and ring detector');
  const gpio = deps.gpio;
  const { SoundCardLine } = await import('../hal/line/soundcard-line.ts');
  const { PendingLine } = await import('../hal/line/pending-line.ts');
  const sc = cfg.line.soundcard;
  const open = async (): Promise<PhoneLine> => {
    const chip = await gpio();
    return new SoundCardLine({
      audio,
      hook: chip.output(sc.hookPin, { activeLow: sc.hookActiveLow, initial: false }),
      ring: sc.ringPin === null ? null : chip.input(sc.ringPin, { activeLow: sc.ringActiveLow, debounceMs: 30 }),
      country: sc.country,
      dialToneWaitMs: sc.dialToneWaitMs,
      blindDial: sc.blindDial,
      log,
    });
  };
  try {
    return { line: await open(), exchange: null, audio, clock };
  } catch (err) {
    // Without its GPIO chip (hook relay, ring detector) the line is not there yet: NO DIALTONE, and tried again.
    const line = new PendingLine(open, 'sound card line (GPIO hook relay and ring detector)', log);
    void err; // PendingLine.start says why, when its own attempt fails the same way
    await line.start();
    return { line, exchange: null, audio, clock };
  }
}
