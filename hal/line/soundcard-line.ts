import { AnswerToneDetector } from '../../dsp/tones/answer-tone.ts';
import { CallProgressDetector } from '../../dsp/tones/call-progress.ts';
import type { CountryCode } from '../../dsp/tones/cadences.ts';
import { DtmfGenerator } from '../../dsp/tones/dtmf.ts';
import type { AudioDevice } from '../audio/audio-device.ts';
import type { GpioInputPin, GpioOutputPin } from '../gpio/gpio.ts';
import type { CallLeg, CallProgress, IncomingCall, PhoneLine } from './phone-line.ts';

/**
 * The telephone line through a sound card: a line interface (a DAA module) whose hook relay and ring detector are
 * GPIO pins, or a phone's headset jack. Nothing reports call progress out of band here, so the leg listens: dial
 * tone before dialling (else NO DIALTONE), DTMF digits sent in band, then ringback, busy or reorder, or the far
 * modem's answer tone. The audio device runs while the line is off hook; its capture clock drives the frames.
 */
export interface SoundCardLineOptions {
  audio: AudioDevice;
  /** The hook relay: true is off hook. */
  hook: GpioOutputPin;
  /** The ring detector: true while ringing voltage is on the line; null for a line that is never called. */
  ring: GpioInputPin | null;
  country?: CountryCode;
  /** How long to wait for dial tone after going off hook before NO DIALTONE (default 5 s). */
  dialToneWaitMs?: number;
  /** Dial without waiting for dial tone (Hayes X0/X1/X3 behaviour, or a line with none). */
  blindDial?: boolean;
  /** DTMF tone and pause length (ms, default 80/80: inside Q.24's 40 ms minimum with margin). */
  dtmfMs?: number;
  /** No ring edge for this long: the caller gave up (default 8 s, longer than a ring cadence's silence). */
  ringTimeoutMs?: number;
  log: (line: string) => void;
}

type Phase = 'seize' | 'await-dialtone' | 'dtmf' | 'progress' | 'talk';
const FRAME_MS = 20;
const DIAL_TONE_FRAMES = 10; // 200 ms of steady dial tone before dialling

export class SoundCardCallLeg implements CallLeg {
  progress: CallProgress;
  private phase: Phase;
  private ms = 0;
  private dialToneFrames = 0;
  private readonly detector: CallProgressDetector;
  private readonly answerTone = new AnswerToneDetector();
  private readonly dtmf: DtmfGenerator;
  private readonly out = new Int16Array(160);

  constructor(
    private readonly line: SoundCardLine,
    private readonly digits: string,
    answered: boolean,
  ) {
    const o = line.options;
    this.detector = new CallProgressDetector(o.country ?? 'US');
    this.dtmf = new DtmfGenerator({ toneMs: o.dtmfMs ?? 80, pauseMs: o.dtmfMs ?? 80 });
    this.progress = answered ? 'answered' : 'dialing';
    this.phase = answered ? 'talk' : 'seize';
  }

  async frame(tx: Int16Array, rx: Int16Array): Promise<boolean> {
    if (this.progress === 'ended') {
      rx.fill(0);
      return false;
    }
    const audio = this.line.options.audio;
    if (!audio.running) await this.line.audioReady(1000);
    if (!audio.running) {
      // Off hook but no audio: a device that failed for good ends the call; one starting up gives silence.
      rx.fill(0);
      if (!this.line.audioFailed) return true;
      // Before the far end answered there is no line to speak of: the modem says NO DIALTONE, as without dial tone.
      if (this.progress === 'dialing' && this.phase !== 'talk') {
        this.line.log('soundcard: no audio from the card: no dial tone can be heard');
        this.progress = 'no-dialtone';
        return true;
      }
      return false;
    }
    rx.set(audio.captured);
    this.ms += FRAME_MS;
    if (this.phase === 'talk') {
      audio.write(tx);
      return true;
    }
    this.out.fill(0);
    this.listen(rx);
    audio.write(this.out);
    return true;
  }

  /** Call progress by ear, frame by frame, until the far end answers. */
  private listen(rx: Int16Array): void {
    const o = this.line.options;
    const heard = this.detector.process(rx);
    switch (this.phase) {
      case 'seize':
        this.phase = o.blindDial ? 'dtmf' : 'await-dialtone';
        if (o.blindDial) this.dtmf.dial(this.digits);
        this.ms = 0;
        return;
      case 'await-dialtone':
        this.dialToneFrames = heard === 'dial-tone' ? this.dialToneFrames + 1 : 0;
        if (this.dialToneFrames >= DIAL_TONE_FRAMES) {
          this.phase = 'dtmf';
          this.dtmf.dial(this.digits);
        } else if (this.ms >= (o.dialToneWaitMs ?? 5000)) {
          this.line.log('soundcard: no dial tone');
          this.progress = 'no-dialtone';
        }
        return;
      case 'dtmf':
        this.dtmf.process(this.out, 160);
        if (!this.dtmf.busy) {
          this.phase = 'progress';
          this.ms = 0;
        }
        return;
      case 'progress':
        this.progressTone(heard, rx);
    }
  }

  private progressTone(heard: string, rx: Int16Array): void {
    if (this.answerTone.process(rx, 160) !== 'none') {
      this.line.log('soundcard: answer tone');
      this.progress = 'answered';
      this.phase = 'talk';
      return;
    }
    const next: CallProgress | null =
      heard === 'ringback' ? 'ringing' : heard === 'busy' || heard === 'reorder' ? 'busy' : heard === 'sit' ? 'invalid-number' : null;
    if (next && next !== this.progress) {
      this.line.log(`soundcard: ${heard}`);
      this.progress = next;
    }
  }

  hangup(): void {
    if (this.progress === 'ended') return;
    this.progress = 'ended';
    this.line.onHook(this);
  }
}

class SoundCardIncomingCall implements IncomingCall {
  readonly from = ''; // caller ID between rings (Bell 202 / V.23 FSK) is not decoded yet
  abandoned = false;
  answered = false;

  constructor(private readonly line: SoundCardLine) {}

  answer(): CallLeg {
    this.answered = true;
    return this.line.offHook('', true);
  }

  reject(): void {
    this.abandoned = true; // a line interface cannot refuse a call: let it ring out
  }
}

export class SoundCardLine implements PhoneLine {
  private leg: SoundCardCallLeg | null = null;
  private incoming: SoundCardIncomingCall | null = null;
  private ringTimer: NodeJS.Timeout | null = null;
  private listener: ((call: IncomingCall) => void) | null = null;
  private waiters: (() => void)[] = [];
  audioFailed = false;

  constructor(readonly options: SoundCardLineOptions) {
    options.hook.write(false);
    options.ring?.onChange((on) => on && this.ringBurst());
    options.audio.onEvent((e) => {
      if (e.kind === 'failed') {
        this.audioFailed = true;
        options.log(`soundcard: audio failed: ${e.detail}`);
      }
    });
  }

  log(line: string): void {
    this.options.log(line);
  }

  dial(number: string): CallLeg {
    const digits = number.toUpperCase().replace(/[^0-9*#A-D]/g, '');
    return this.offHook(digits, false);
  }

  offHook(digits: string, answered: boolean): SoundCardCallLeg {
    this.leg?.hangup();
    const leg = new SoundCardCallLeg(this, digits, answered);
    this.leg = leg;
    this.audioFailed = false;
    this.options.hook.write(true);
    this.options.log(`soundcard: off hook${digits ? `, dialling ${digits}` : ''}`);
    this.options.audio.start().then(
      () => this.waiters.splice(0).forEach((w) => w()),
      (err: Error) => {
        this.options.log(`soundcard: ${err.message}`);
        this.audioFailed = true;
        this.waiters.splice(0).forEach((w) => w());
      },
    );
    return leg;
  }

  onHook(leg: SoundCardCallLeg): void {
    if (this.leg !== leg) return;
    this.leg = null;
    this.options.hook.write(false);
    this.options.log('soundcard: on hook');
    void this.options.audio.stop();
  }

  audioReady(ms: number): Promise<void> {
    if (this.options.audio.running || this.audioFailed) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** A burst of ringing voltage: a new call on the first, and the call is given up when the bursts stop. */
  private ringBurst(): void {
    if (this.leg) return;
    if (this.ringTimer) clearTimeout(this.ringTimer);
    this.ringTimer = setTimeout(() => {
      this.ringTimer = null;
      if (this.incoming && !this.incoming.answered) this.incoming.abandoned = true;
      this.incoming = null;
    }, this.options.ringTimeoutMs ?? 8000);
    if (this.incoming) return;
    this.incoming = new SoundCardIncomingCall(this);
    this.options.log('soundcard: ringing');
    this.listener?.(this.incoming);
  }

  onIncoming(listener: (call: IncomingCall) => void): void {
    this.listener = listener;
  }

  close(): void {
    this.leg?.hangup();
    if (this.ringTimer) clearTimeout(this.ringTimer);
    this.options.hook.write(false);
  }
}
