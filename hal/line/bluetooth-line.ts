import type { AudioDevice } from '../audio/audio-device.ts';
import { invoke, listen, plain } from './ofono.ts';
import type { OfonoCallState, OfonoClient, Remote } from './ofono.ts';
import type { CallLeg, CallProgress, IncomingCall, PhoneLine } from './phone-line.ts';

/**
 * The telephone line through a Bluetooth phone: Dialtone is the hands-free unit of the Hands-Free Profile, oFono
 * does the call control (AT+CIEV indicators become VoiceCall `State` changes), and the call's SCO audio is
 * BlueALSA's PCM behind an AudioDevice. The audio device runs only while a call is active; its capture clock then
 * drives the modem's frames (firmware-app/audio-clock.ts).
 */
export interface BluetoothLineOptions {
  ofono: OfonoClient;
  audio: AudioDevice;
  /** The phone's Bluetooth address (AA:BB:CC:DD:EE:FF), or null for the first hands-free modem oFono offers. */
  phone: string | null;
  log: (line: string) => void;
  /** Look for the phone again this often while it is not connected (ms). Default 5000. */
  retryMs?: number;
}

const PROGRESS: Record<OfonoCallState, CallProgress> = {
  dialing: 'dialing',
  alerting: 'ringing',
  active: 'answered',
  held: 'answered',
  incoming: 'ringing',
  waiting: 'ringing',
  disconnected: 'ended',
};

export class BluetoothCallLeg implements CallLeg {
  progress: CallProgress;
  path: string | null = null;
  private proxy: Remote | null = null;

  constructor(
    private readonly line: BluetoothPhoneLine,
    progress: CallProgress,
  ) {
    this.progress = progress;
  }

  async attach(path: string): Promise<void> {
    this.path = path;
    this.proxy = await this.line.watchCall(path, (state) => this.state(state));
    if (this.progress === 'ended') void this.hangupRemote();
  }

  state(state: OfonoCallState): void {
    if (this.progress === 'ended') return;
    const next = PROGRESS[state] ?? this.progress;
    this.line.log(`bluetooth: call ${this.path ?? ''} ${state}`);
    if (next === 'ended') return this.end();
    this.progress = next;
    // ATA sets 'answered' before the phone confirms: the audio starts on the phone's word either way.
    if (next === 'answered') void this.line.audioUp(this);
  }

  /** The far end, the phone or the link ended the call. */
  end(): void {
    if (this.progress === 'ended') return;
    this.progress = 'ended';
    void this.line.audioDown(this);
  }

  async frame(tx: Int16Array, rx: Int16Array): Promise<boolean> {
    const audio = this.line.audio;
    if (this.progress === 'ended') {
      rx.fill(0);
      return false;
    }
    // Answered but the SCO link is still coming up: wait for it (bounded) rather than spend handshake time on it.
    if (this.progress === 'answered' && !audio.running) await this.line.audioReady(1000);
    if (this.progress === 'answered' && audio.running) {
      rx.set(audio.captured);
      audio.write(tx);
    } else {
      rx.fill(0);
    }
    return true;
  }

  hangup(): void {
    if (this.progress === 'ended') return;
    this.end();
    void this.hangupRemote();
  }

  private async hangupRemote(): Promise<void> {
    try {
      if (this.proxy) await invoke(this.proxy, 'Hangup');
    } catch (err) {
      this.line.log(`bluetooth: hangup: ${(err as Error).message}`);
    }
  }

  async answerRemote(): Promise<void> {
    try {
      if (this.proxy) await invoke(this.proxy, 'Answer');
    } catch (err) {
      this.line.log(`bluetooth: answer: ${(err as Error).message}`);
      this.end();
    }
  }
}

class BluetoothIncomingCall implements IncomingCall {
  abandoned = false;
  leg: BluetoothCallLeg | null = null;

  constructor(
    readonly from: string,
    private readonly pending: BluetoothCallLeg,
  ) {}

  answer(): CallLeg {
    this.leg = this.pending;
    this.pending.progress = 'answered'; // the pump starts now; frames are silent until the SCO audio runs
    void this.pending.answerRemote();
    return this.pending;
  }

  reject(): void {
    this.pending.hangup();
  }
}

export class BluetoothPhoneLine implements PhoneLine {
  readonly audio: AudioDevice;
  readonly log: (line: string) => void;
  modem: string | null = null;
  private vcm: Remote | null = null;
  private incomingListener: ((call: IncomingCall) => void) | null = null;
  private readonly calls = new Map<string, { leg: BluetoothCallLeg; incoming: BluetoothIncomingCall | null }>();
  private pendingDial: BluetoothCallLeg | null = null;
  private retry: NodeJS.Timeout | null = null;
  private closed = false;
  private audioOwner: BluetoothCallLeg | null = null;
  private audioWaiters: (() => void)[] = [];

  private lastProblem: string | null = null;

  constructor(private readonly o: BluetoothLineOptions) {
    this.audio = o.audio;
    this.log = o.log;
    // The system D-Bus or oFono going away ends the calls (NO CARRIER) and starts looking again.
    o.ofono.onLost = (why) => this.linkLost(why);
    o.audio.onEvent((e) => {
      if (e.kind === 'failed') {
        this.log(`bluetooth: call audio failed: ${e.detail}`);
        this.audioOwner?.hangup();
      }
    });
  }

  /** Finds the phone's hands-free modem and starts following its calls; retries in the background until it does. */
  async open(): Promise<boolean> {
    if (this.closed) return false;
    try {
      await this.attach();
      this.lastProblem = null;
      return true;
    } catch (err) {
      const why = (err as Error).message;
      // Said once per cause, not every retry; dialling meanwhile gives NO DIALTONE.
      if (why !== this.lastProblem) this.log(`bluetooth: no phone yet (${why}); calls get NO DIALTONE; retrying every ${(this.o.retryMs ?? 5000) / 1000} s`);
      this.lastProblem = why;
      this.scheduleRetry();
      return false;
    }
  }

  private scheduleRetry(): void {
    if (this.closed || this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = null;
      void this.open();
    }, this.o.retryMs ?? 5000);
  }

  private async attach(): Promise<void> {
    const ofono = this.o.ofono;
    const want = this.o.phone?.toUpperCase().replace(/:/g, '_') ?? null;
    const modems = (await ofono.modems()).filter(
      (m) => m.interfaces.includes('org.ofono.VoiceCallManager') && (want === null || m.path.toUpperCase().includes(want)),
    );
    if (modems.length === 0)
      throw new Error(this.o.phone ? `oFono has no hands-free modem for ${this.o.phone} with calls` : 'oFono has no hands-free modem with calls');
    const modem = modems[0];
    const vcm = await ofono.voiceCallManager(modem.path);
    listen(vcm, 'CallAdded', (path: string, props: Record<string, { value: unknown }>) => void this.callAdded(path, plain(props)));
    listen(vcm, 'CallRemoved', (path: string) => this.callRemoved(path));
    const manager = await ofono.manager();
    listen(manager, 'ModemRemoved', (path: string) => {
      if (path === this.modem) this.linkLost('the phone went away (oFono removed its modem)');
    });
    this.modem = modem.path;
    this.vcm = vcm;
    this.log(`bluetooth: using ${modem.name || modem.path}${this.lastProblem ? ' (found again)' : ''}`);
    try {
      await ofono.disableNrec(modem.path);
      this.log('bluetooth: asked the phone to turn off echo cancelling and noise reduction (AT+NREC=0)');
    } catch (err) {
      this.log(`bluetooth: the phone keeps its echo canceller (${(err as Error).message}): expect trouble above 300 bit/s`);
    }
  }

  /** Subscribes to one call's State; returns its proxy for Answer/Hangup. */
  async watchCall(path: string, onState: (s: OfonoCallState) => void): Promise<Remote> {
    const call = await this.o.ofono.call(path);
    listen(call, 'PropertyChanged', (name: string, value: { value: unknown }) => {
      if (name === 'State') onState(value.value as OfonoCallState);
    });
    return call;
  }

  private async callAdded(path: string, props: Record<string, unknown>): Promise<void> {
    const state = props.State as OfonoCallState;
    if (this.calls.has(path)) return;
    if (state === 'incoming') {
      const leg = new BluetoothCallLeg(this, 'ringing');
      const from = String(props.LineIdentification ?? '');
      const incoming = new BluetoothIncomingCall(from, leg);
      this.calls.set(path, { leg, incoming });
      await leg.attach(path);
      this.log(`bluetooth: incoming call from ${from || '(withheld)'}`);
      if (this.incomingListener) this.incomingListener(incoming);
      else incoming.reject();
      return;
    }
    // Our own Dial: CallAdded can come before Dial's reply.
    const leg = this.pendingDial;
    if (!leg) return;
    this.pendingDial = null;
    this.calls.set(path, { leg, incoming: null });
    await leg.attach(path);
    leg.state(state);
  }

  private callRemoved(path: string): void {
    const entry = this.calls.get(path);
    if (!entry) return;
    this.calls.delete(path);
    if (entry.incoming && !entry.incoming.leg) entry.incoming.abandoned = true;
    entry.leg.end();
  }

  private linkLost(why: string): void {
    if (this.closed) return;
    this.log(`bluetooth: link lost: ${why}${this.calls.size || this.pendingDial ? '; the call ends (NO CARRIER)' : ''}`);
    this.lastProblem = why;
    for (const { leg, incoming } of this.calls.values()) {
      if (incoming && !incoming.leg) incoming.abandoned = true;
      leg.end();
    }
    this.calls.clear();
    this.pendingDial?.end();
    this.pendingDial = null;
    this.modem = null;
    this.vcm?.removeAllListeners();
    this.vcm = null;
    this.scheduleRetry();
  }

  dial(number: string): CallLeg {
    const vcm = this.vcm;
    if (!vcm) return new BluetoothCallLeg(this, 'no-dialtone');
    const leg = new BluetoothCallLeg(this, 'dialing');
    this.pendingDial = leg;
    invoke(vcm, 'Dial', number, 'default').then(
      async (path) => {
        if (this.pendingDial === leg) {
          this.pendingDial = null;
          this.calls.set(path as string, { leg, incoming: null });
          await leg.attach(path as string);
        }
      },
      (err: Error & { type?: string }) => {
        this.log(`bluetooth: dial ${number}: ${err.message}`);
        if (this.pendingDial === leg) this.pendingDial = null;
        leg.progress = err.type === 'org.ofono.Error.InvalidFormat' ? 'invalid-number' : 'ended';
      },
    );
    return leg;
  }

  /** Resolves when the call audio runs, or after `ms`. */
  audioReady(ms: number): Promise<void> {
    if (this.audio.running) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.audioWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  async audioUp(leg: BluetoothCallLeg): Promise<void> {
    this.audioOwner = leg;
    if (this.audio.running) return;
    try {
      await this.audio.start();
      for (const w of this.audioWaiters.splice(0)) w();
      this.log(`bluetooth: call audio on ${this.audio.name}`);
    } catch (err) {
      this.log(`bluetooth: call audio: ${(err as Error).message}`);
      leg.hangup();
    }
  }

  async audioDown(leg: BluetoothCallLeg): Promise<void> {
    if (this.audioOwner !== leg) return;
    this.audioOwner = null;
    await this.audio.stop();
  }

  onIncoming(listener: (call: IncomingCall) => void): void {
    this.incomingListener = listener;
  }

  close(): void {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    for (const { leg } of this.calls.values()) leg.hangup();
    // Let the hang-ups go out before the connection closes.
    setTimeout(() => this.o.ofono.close(), 50);
  }
}
