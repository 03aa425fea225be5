import { parseArgs } from 'node:util';
import { openHardware } from '../hal/factory.ts';
import { ControlSocket } from '../hal/line/control-socket.ts';
import { SimulatedExchange } from '../hal/line/simulated-exchange.ts';
import { resolveExchangeChains } from '../config/chain.ts';
import { createCodecStage } from '../hal/codecs/index.ts';
import { ConfigError, formatIssue, loadConfig } from './config.ts';
import { doctor } from './doctor/cli.ts';
import { internetCommand } from './internet-commands.ts';
import { createLine } from './line-factory.ts';
import { Modem } from './modem.ts';
import type { ModemState } from './modem.ts';
import { ring } from './ring-client.ts';
import { startPanel } from './panel/index.ts';
import { SystemdNotifier } from './service/notify.ts';
import { acquireDaemonLocks, daemonLocks, LockRefused, stateDirectory } from './service/daemon-lock.ts';
import { Watchdog } from './service/watchdog.ts';
import { startEmbeddedBroker } from './telemetry/embedded-broker.ts';
import type { EmbeddedBroker } from './telemetry/embedded-broker.ts';
import { MqttTelemetry } from './telemetry/mqtt-telemetry.ts';

const USAGE = `usage:
  dialtone [start] [--config FILE] [--clock realtime|fast] [--link PATH] [--socket PATH] [--quiet]
  dialtone ring [--socket PATH] [--from NUMBER] (--stdio | -- COMMAND...)
  dialtone config check FILE
  dialtone doctor [--config FILE]
  dialtone --help`;

/** Exit status when another daemon holds the port (sysexits.h EX_TEMPFAIL: try again once that one stops). */
const EXIT_IN_USE = 75;

function log(line: string): void {
  process.stderr.write(`${new Date().toISOString()} ${line}\n`);
}

async function start(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      config: { type: 'string' },
      clock: { type: 'string' },
      link: { type: 'string' },
      socket: { type: 'string' },
      quiet: { type: 'boolean', default: false },
    },
  });
  const overrides: Record<string, unknown> = {};
  if (values.clock) overrides.clock = values.clock;
  if (values.link) overrides.serial = { link: values.link };
  if (values.socket) overrides.control = { socket: values.socket };
  if (values.quiet) overrides.leds = { backend: 'none' };
  // Everything that can be wrong with the configuration is found here, before any port or socket is opened.
  const cfg = loadConfig(values.config, overrides);
  const say = values.quiet ? () => {} : log;
  // systemd's StateDirectory= (/var/lib/dialtone) on the appliance; ./state in a checkout.
  const stateDir = stateDirectory();
  // One daemon per port: claimed before any port, link or socket is touched, so a second daemon changes nothing.
  const locks = acquireDaemonLocks(daemonLocks({ stateDir, serial: cfg.serial, socket: cfg.control.socket }), log);
  process.on('exit', () => locks.forEach((l) => l.release()));
  const notifier = SystemdNotifier.fromEnv(process.env, log);
  // DTE port, control lines and LEDs: real or simulated per serial/controlLines/leds/gpio (hal/factory.ts).
  const hw = await openHardware(cfg, say);
  const port = hw.port;
  // The telephone line (simulated exchange, Bluetooth phone or sound card) and the clock its audio drives.
  const simulated = () =>
    new SimulatedExchange({
      numbers: cfg.exchange.numbers,
      line: cfg.exchange.line,
      answerAfterRings: cfg.exchange.answerAfterRings,
      answerToneMs: cfg.modem.answerToneMs,
      log: say,
      // loadConfig checked these and opened every codec they name: nothing here fails in a call.
      chains: resolveExchangeChains(cfg.exchange),
      createCodec: (spec) => createCodecStage(spec),
    });
  const { line, exchange, clock, internet, session } = await createLine(cfg, { log: say, gpio: hw.gpio, dteSpeed: () => port.speed ?? null }, simulated);
  const control = new ControlSocket(cfg.control.socket, (call) => (exchange ? exchange.ring(call) : call.reject()), cfg.exchange.line, say);
  const modem = new Modem({
    port,
    line,
    leds: hw.leds,
    dteFraming: cfg.serial.framing === 'auto' ? null : cfg.serial.framing,
    clock,
    log: say,
    txLevelDbm0: cfg.modem.txLevelDbm0,
    modulation: cfg.modem.modulation,
    stateDir,
    commands: internet ? (body) => internetCommand(body, session, () => internet.rates().rate) : undefined,
  });
  // No broker configured: run one (an MQTT client on this machine, or Home Assistant told its address, subscribes there).
  const broker: EmbeddedBroker | null = cfg.mqtt.enabled && !cfg.mqtt.url ? await startEmbeddedBroker(cfg.mqtt.broker.listen, cfg.mqtt.broker.port, log) : null;
  const mqttUrl = cfg.mqtt.url ?? broker?.url ?? null;
  const telemetry = cfg.mqtt.enabled && mqttUrl ? new MqttTelemetry({ ...cfg, mqtt: { ...cfg.mqtt, url: mqttUrl } }, modem, () => clock.lineMs, log) : null;
  const panel = await startPanel({
    cfg,
    configPath: values.config ?? null,
    modem,
    stateDir,
    dte: { port: port.name, speed: cfg.serial.backend === 'serialport' ? (cfg.serial.baudRate ?? null) : null },
    lineMs: () => clock.lineMs,
    log,
  });
  // The audio clock must run before we say we are ready: one frame through it (a sound card: its first period).
  await clock.tick();
  let rate: number | null = null;
  modem.events.on('connect', (r) => (rate = r));
  const status = (state: ModemState): string => `${state}${state === 'online' && rate ? ` at ${rate} bit/s` : ''} on ${port.name}`;
  modem.events.on('state', (state) => notifier?.status(status(state)));

  // The first lines a user reads: where to point a terminal program.
  process.stdout.write(`Dialtone ready. DTE port: ${port.name}${cfg.serial.backend === 'pty' ? ` (linked at ${cfg.serial.link})` : ''}\n`);
  process.stdout.write(`Try: picocom ${cfg.serial.link}   then type ATDT5551000\n`);
  process.stdout.write(`Control socket: ${cfg.control.socket}\n`);
  if (telemetry) process.stdout.write(`Telemetry: ${mqttUrl}${broker ? ' (embedded broker)' : ''}, topics ${telemetry.topics.base}/#\n`);
  if (panel.url) process.stdout.write(`Panel: ${panel.url}\n`);
  notifier?.ready(status(modem.state));

  const watchdogMs = SystemdNotifier.watchdogMs(process.env);
  const watchdog =
    notifier && watchdogMs
      ? new Watchdog({
          periodMs: watchdogMs,
          ...cfg.watchdog,
          clock,
          clockShouldRun: () => modem.state !== 'command',
          ping: () => notifier.watchdog(),
          log,
        })
      : null;
  watchdog?.start();

  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    notifier?.stopping();
    watchdog?.stop();
    modem.close();
    panel.close();
    line.close();
    control.close();
    hw.close();
    await telemetry?.close().catch(() => {});
    await broker?.close().catch(() => {});
    notifier?.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

/** parseArgs's complaints (an unknown option, a missing value) are the user's mistake: usage, not a stack trace. */
function isUsageError(err: unknown): err is Error {
  return err instanceof Error && typeof (err as NodeJS.ErrnoException).code === 'string' && (err as NodeJS.ErrnoException).code!.startsWith('ERR_PARSE_ARGS_');
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  // Words after `--` belong to the program `dialtone ring` starts.
  const ours = argv.includes('--') ? argv.slice(0, argv.indexOf('--')) : argv;
  if (argv[0] === 'help' || ours.some((a) => a === '--help' || a === '-h')) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const cmd = argv[0] && !argv[0].startsWith('-') ? argv[0] : 'start';
  const rest = cmd === 'start' && argv[0] !== 'start' ? argv : argv.slice(1);
  if (cmd === 'start') return start(rest);
  if (cmd === 'ring') {
    const dd = rest.indexOf('--');
    const own = dd >= 0 ? rest.slice(0, dd) : rest;
    const command = dd >= 0 ? rest.slice(dd + 1).join(' ') : undefined;
    const { values } = parseArgs({
      args: own,
      options: {
        socket: { type: 'string', default: 'run/control.sock' },
        from: { type: 'string', default: '5550100' },
        stdio: { type: 'boolean', default: false },
      },
    });
    process.exitCode = await ring({ socket: values.socket!, from: values.from!, command, stdio: values.stdio!, log });
    return;
  }
  if (cmd === 'doctor') {
    process.exitCode = await doctor(rest);
    return;
  }
  if (cmd === 'config' && rest[0] === 'check' && rest[1]) {
    const cfg = loadConfig(rest[1]);
    process.stdout.write(`${rest[1]}: valid (device ${cfg.device.id}, telemetry ${cfg.mqtt.enabled ? `to ${cfg.mqtt.url}` : 'off'})\n`);
    return;
  }
  process.stderr.write(`${USAGE}\n`);
  process.exitCode = 2;
}

main().catch((err: unknown) => {
  if (isUsageError(err)) {
    process.stderr.write(`dialtone: ${err.message}\n${USAGE}\n`);
    process.exit(2);
  }
  if (err instanceof LockRefused) {
    process.stderr.write(
      `dialtone: not started: ${err.message}.\n` +
        `  Stop that daemon first (systemctl stop dialtone, or kill ${err.pid}), or give this one its own STATE_DIRECTORY, --link and --socket.\n`,
    );
    process.exit(EXIT_IN_USE);
  }
  if (err instanceof ConfigError) process.stderr.write(`dialtone: configuration error:\n${err.issues.map((i) => `  ${formatIssue(i)}\n`).join('')}`);
  else process.stderr.write(`dialtone: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
