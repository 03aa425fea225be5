import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DBusError, interface as dbusInterface, sessionBus, Variant } from '@jellybrick/dbus-next';
import type { MessageBus } from '@jellybrick/dbus-next';

/**
 * A private dbus-daemon and a scripted stand-in for oFono on it: the org.ofono.Manager, VoiceCallManager, VoiceCall
 * and Handsfree objects a paired phone's hands-free modem has, driven by the test (the far end answers, hangs up,
 * calls in; the phone goes away). Dialtone's real D-Bus client talks to it through the daemon.
 */
export class PrivateBus {
  private constructor(
    readonly address: string,
    private readonly daemon: ChildProcess,
    private readonly dir: string,
    private readonly ownDir: boolean,
  ) {}

  /** A bus whose socket is `<dir>/bus`: in a new temporary directory, or in `at` (so a test can start it again there). */
  static async start(at?: string): Promise<PrivateBus> {
    const dir = at ?? mkdtempSync(join(tmpdir(), 'dialtone-dbus-'));
    const conf = join(dir, 'bus.conf');
    writeFileSync(
      conf,
      `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN" "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig><type>session</type><listen>unix:path=${join(dir, 'bus')}</listen><auth>EXTERNAL</auth>
<policy context="default"><allow send_destination="*" eavesdrop="true"/><allow eavesdrop="true"/><allow own="*"/></policy></busconfig>\n`,
    );
    const daemon = spawn('dbus-daemon', [`--config-file=${conf}`, '--nofork', '--print-address=1'], { stdio: ['ignore', 'pipe', 'ignore'] });
    const address = await new Promise<string>((resolve, reject) => {
      let out = '';
      daemon.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('\n')) resolve(out.trim());
      });
      daemon.once('error', reject);
      daemon.once('exit', (code) => reject(new Error(`dbus-daemon exited (${code})`)));
    });
    return new PrivateBus(address, daemon, dir, at === undefined);
  }

  async stop(): Promise<void> {
    this.daemon.kill();
    await new Promise((r) => (this.daemon.exitCode !== null ? r(null) : this.daemon.once('exit', r)));
    if (this.ownDir) rmSync(this.dir, { recursive: true, force: true });
    else rmSync(join(this.dir, 'bus'), { force: true });
  }
}

const { Interface: BaseInterface } = dbusInterface;

/**
 * @jellybrick/dbus-next 0.11.3's Interface constructor defines `$methods`, `$properties` and `$signals` as own
 * fields (undefined), which hide what configureMembers() put on the prototype: drop them so the prototype's show.
 */
class Interface extends BaseInterface {
  constructor(name: string) {
    super(name);
    for (const k of ['$methods', '$properties', '$signals'] as const) if (Object.hasOwn(this, k) && this[k] === undefined) delete this[k];
  }
}
export const MODEM_PATH = '/hfp/org/bluez/hci0/dev_00_11_22_33_44_55';

class Manager extends Interface {
  constructor(private readonly phone: FakeOfono) {
    super('org.ofono.Manager');
  }
  GetModems(): unknown {
    if (!this.phone.present) return [];
    return [
      [
        MODEM_PATH,
        {
          Name: new Variant('s', 'Test Phone'),
          Type: new Variant('s', 'hfp'),
          Online: new Variant('b', true),
          Powered: new Variant('b', true),
          Interfaces: new Variant('as', ['org.ofono.VoiceCallManager', 'org.ofono.Handsfree']),
        },
      ],
    ];
  }
  ModemRemoved(path: string): string {
    return path;
  }
}
Manager.configureMembers({ methods: { GetModems: { outSignature: 'a(oa{sv})' } }, signals: { ModemRemoved: { signature: 'o' } } });

class VoiceCallManager extends Interface {
  constructor(private readonly phone: FakeOfono) {
    super('org.ofono.VoiceCallManager');
  }
  Dial(number: string, hide: string): string {
    return this.phone.onDial(number, hide);
  }
  HangupAll(): void {
    for (const c of [...this.phone.calls.values()]) this.phone.end(c.path, 'local');
  }
  CallAdded(path: string, props: Record<string, Variant>): unknown {
    return [path, props];
  }
  CallRemoved(path: string): string {
    return path;
  }
}
VoiceCallManager.configureMembers({
  methods: { Dial: { inSignature: 'ss', outSignature: 'o' }, HangupAll: {} },
  signals: { CallAdded: { signature: 'oa{sv}' }, CallRemoved: { signature: 'o' } },
});

class Handsfree extends Interface {
  constructor(private readonly phone: FakeOfono) {
    super('org.ofono.Handsfree');
  }
  SetProperty(name: string, value: Variant): void {
    this.phone.handsfree[name] = value.value;
  }
}
Handsfree.configureMembers({ methods: { SetProperty: { inSignature: 'sv' } } });

export class VoiceCall extends Interface {
  state: string;
  constructor(
    readonly path: string,
    readonly number: string,
    state: string,
    private readonly phone: FakeOfono,
  ) {
    super('org.ofono.VoiceCall');
    this.state = state;
  }
  Answer(): void {
    if (this.state !== 'incoming') throw new DBusError('org.ofono.Error.Failed', 'not incoming');
    this.phone.log.push(`answer ${this.path}`);
    this.setState('active');
  }
  Hangup(): void {
    this.phone.log.push(`hangup ${this.path}`);
    this.phone.end(this.path, 'local');
  }
  PropertyChanged(name: string, value: Variant): unknown {
    return [name, value];
  }
  setState(state: string): void {
    this.state = state;
    try {
      this.PropertyChanged('State', new Variant('s', state));
    } catch {
      /* the stand-in was stopped (its bus closed) before a timer of its own fired */
    }
  }
  props(): Record<string, Variant> {
    return { State: new Variant('s', this.state), LineIdentification: new Variant('s', this.number) };
  }
}
VoiceCall.configureMembers({ methods: { Answer: {}, Hangup: {} }, signals: { PropertyChanged: { signature: 'sv' } } });

export class FakeOfono {
  present = true;
  readonly calls = new Map<string, VoiceCall>();
  readonly handsfree: Record<string, unknown> = {};
  readonly log: string[] = [];
  /** What Dial does: 'alerting' (rings at the far end) or an error name. */
  dialBehaviour: 'alerting' | 'org.ofono.Error.InvalidFormat' = 'alerting';
  private n = 0;
  private readonly manager = new Manager(this);
  private readonly vcm = new VoiceCallManager(this);

  private constructor(readonly bus: MessageBus) {
    bus.export('/', this.manager);
    bus.export(MODEM_PATH, this.vcm);
    bus.export(MODEM_PATH, new Handsfree(this));
  }

  static async start(address: string): Promise<FakeOfono> {
    const bus = sessionBus({ busAddress: address });
    (bus as unknown as NodeJS.EventEmitter).on('error', () => {}); // the test may stop the bus under it
    await bus.requestName('org.ofono', 0);
    return new FakeOfono(bus);
  }

  private add(number: string, state: string): VoiceCall {
    const path = `${MODEM_PATH}/voicecall${String(++this.n).padStart(2, '0')}`;
    const call = new VoiceCall(path, number, state, this);
    this.calls.set(path, call);
    this.bus.export(path, call);
    this.vcm.CallAdded(path, call.props());
    return call;
  }

  onDial(number: string, hide: string): string {
    this.log.push(`dial ${number} ${hide}`);
    if (this.dialBehaviour !== 'alerting') throw new DBusError(this.dialBehaviour, 'bad number');
    const call = this.add(number, 'dialing');
    setTimeout(() => call.state === 'dialing' && call.setState('alerting'), 50);
    return call.path;
  }

  /** The far end picks up our call. */
  remoteAnswer(): void {
    for (const c of this.calls.values()) if (c.state === 'alerting' || c.state === 'dialing') c.setState('active');
  }

  /** The far end (or the network) ends every call. */
  remoteHangup(): void {
    for (const c of [...this.calls.values()]) this.end(c.path, 'remote');
  }

  incoming(number: string): VoiceCall {
    return this.add(number, 'incoming');
  }

  end(path: string, why: string): void {
    const c = this.calls.get(path);
    if (!c) return;
    this.log.push(`end ${path} ${why}`);
    c.setState('disconnected');
    this.calls.delete(path);
    this.vcm.CallRemoved(path);
    this.bus.unexport(path, c);
  }

  /** The Bluetooth link drops: oFono removes the phone's modem (its calls vanish with it). */
  linkLoss(): void {
    this.present = false;
    this.calls.clear();
    this.manager.ModemRemoved(MODEM_PATH);
  }

  stop(): void {
    this.bus.disconnect();
  }
}
