import { GpioError } from '../../../hal/gpio/gpio.ts';
import type { GpioChip, GpioInputOptions, GpioInputPin, GpioOutputOptions, GpioOutputPin } from '../../../hal/gpio/gpio.ts';
import type { SimulatedAudioDevice } from '../../../hal/audio/simulated-audio.ts';
import { EchoModemParty } from '../../../hal/line/builtin-modem-party.ts';
import { CallProgressToneGenerator } from '../../../dsp/tones/call-progress.ts';
import { DtmfDetector } from '../../../dsp/tones/dtmf.ts';

/** A test-local GPIO chip behind hal/gpio's interface: outputs remember their level, inputs are set by the test. */
export class FakeGpioChip implements GpioChip {
  readonly name = 'fake';
  readonly outputs = new Map<number, boolean>();
  private readonly inputs = new Map<number, { value: boolean; listeners: ((v: boolean) => void)[] }>();

  output(pin: number, opts: GpioOutputOptions = {}): GpioOutputPin {
    if (this.outputs.has(pin) || this.inputs.has(pin)) throw new GpioError(`GPIO ${pin} is already in use`, pin);
    this.outputs.set(pin, opts.initial ?? false);
    return { pin, write: (v) => void this.outputs.set(pin, v), close: () => void this.outputs.delete(pin) };
  }

  input(pin: number, _opts: GpioInputOptions = {}): GpioInputPin {
    if (this.outputs.has(pin) || this.inputs.has(pin)) throw new GpioError(`GPIO ${pin} is already in use`, pin);
    const state = { value: false, listeners: [] as ((v: boolean) => void)[] };
    this.inputs.set(pin, state);
    return { pin, read: () => state.value, onChange: (l) => void state.listeners.push(l), close: () => void this.inputs.delete(pin) };
  }

  /** The test drives an input (the ring detector). */
  set(pin: number, value: boolean): void {
    const s = this.inputs.get(pin)!;
    if (s.value === value) return;
    s.value = value;
    for (const l of s.listeners) l(value);
  }

  close(): void {}
}

/**
 * A telephone exchange at the far end of the sound card, on the audio twin: when the hook relay closes it plays dial
 * tone, decodes DTMF with the project's detector, then plays ringback and answers with a V.21 echo modem, or plays
 * busy, or rings forever. `dialTone: false` is a dead line.
 */
export class FakeExchange {
  dialTone = true;
  digits = '';
  state: 'idle' | 'dial-tone' | 'digits' | 'ringback' | 'busy' | 'answered' = 'idle';
  private readonly tones = new CallProgressToneGenerator('US');
  private readonly dtmf = new DtmfDetector();
  private ms = 0;
  private sinceDigit = 0;
  private party: EchoModemParty | null = null;
  /** A calling modem put on the line when Dialtone answers an incoming call. */
  caller: ((heard: Int16Array, said: Int16Array) => void) | null = null;

  constructor(
    private readonly audio: SimulatedAudioDevice,
    private readonly offHook: () => boolean,
    readonly routes: Record<string, 'answer' | 'busy' | 'no-answer'> = { '5551000': 'answer', '5552000': 'busy', '5553000': 'no-answer' },
  ) {
    audio.connect((heard, said) => this.frame(heard, said));
  }

  private frame(heard: Int16Array, said: Int16Array): void {
    said.fill(0);
    if (!this.offHook()) {
      this.state = 'idle';
      return;
    }
    if (this.caller) return this.caller(heard, said);
    this.ms += 20;
    if (this.state === 'idle') this.seized();
    const got = this.dtmf.process(heard, 160);
    if (got && (this.state === 'dial-tone' || this.state === 'digits')) {
      this.digits += got;
      this.state = 'digits';
      this.sinceDigit = 0;
      this.tones.stop();
    }
    if (this.state === 'digits' && (this.sinceDigit += 20) >= 1000) this.route();
    if (this.state === 'ringback' && this.routes[this.digits] === 'answer' && this.ms >= 8000) {
      this.tones.stop();
      this.state = 'answered';
      this.party = new EchoModemParty('v21', 1000);
    }
    if (this.party) void this.party.frame(heard, said);
    else this.tones.process(said, 160);
  }

  private seized(): void {
    this.digits = '';
    this.party = null;
    this.state = 'dial-tone';
    if (this.dialTone) this.tones.start('dial-tone');
  }

  private route(): void {
    const r = this.routes[this.digits];
    this.ms = 0;
    this.state = r === 'busy' ? 'busy' : 'ringback';
    this.tones.start(r === 'busy' ? 'busy' : r ? 'ringback' : 'reorder');
  }
}
