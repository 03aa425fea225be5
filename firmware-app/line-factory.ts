import type { AudioDevice } from '../hal/audio/audio-device.ts';
import type { GpioChip } from '../hal/gpio/gpio.ts';
import type { PhoneLine } from '../hal/line/phone-line.ts';
import type { SimulatedExchange } from '../hal/line/simulated-exchange.ts';
import { AudioClock } from './audio-clock.ts';
import type { DialtoneConfig } from '../config/schema.ts';
import { FrameClock } from './frame-clock.ts';

/** The telephone line the configuration names, its audio device, and the clock that drives the modem's frames. */
export interface LineParts {
  line: PhoneLine;
  /** The simulated exchange (what `dialtone ring` rings), when it is the line. */
  exchange: SimulatedExchange | null;
  audio: AudioDevice | null;
  clock: FrameClock;
}

export interface LineDeps {
  log: (line: string) => void;
  /** Opens the GPIO chip (the sound card line's hook relay and ring detector). */
  gpio?: () => GpioChip | Promise<GpioChip>;
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

export async function createLine(cfg: DialtoneConfig, deps: LineDeps, simulated: () => SimulatedExchange): Promise<LineParts> {
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
