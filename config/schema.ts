/**
 * The configuration's one source: its JSON Schema (written out to config/schema.json by `npm run config:schema`,
 * which the loader and editors read) and its TypeScript types (Static<> of the same schema), so the two cannot
 * drift. 'expected' on a schema is what firmware-app/config.ts's error message says when a value does not fit.
 *
 * config/ imports nothing of the project (hal/ and firmware-app/ import it). TypeBox is a development dependency:
 * import from this module with `import type` only (test/layers.test.ts checks), so the image runs without it.
 */
import { Type } from '@sinclair/typebox';
import type { SchemaOptions, Static, TObject, TProperties, TSchema, TUnsafe } from '@sinclair/typebox';
import { PRESET_NAMES } from './chain.ts';

/** Every modulation by the name configuration and telemetry use; dsp/pump-factory.ts's MODULATIONS (a test checks). */
export const MODULATIONS = ['v21', 'bell103', 'v23', 'bell202', 'v22', 'bell212a', 'v22bis', 'auto'] as const;
export type Modulation = (typeof MODULATIONS)[number];

/** The front panel's LEDs; hal/leds/led-panel.ts's LED_NAMES (a test checks). */
export const LED_NAMES = ['HS', 'AA', 'CD', 'OH', 'RD', 'SD', 'TR', 'MR'] as const;
export type LedName = (typeof LED_NAMES)[number];

/** The RS-232 circuits that can have a GPIO pin behind the transceiver. */
export const CONTROL_CIRCUITS = ['DCD', 'DSR', 'RI', 'CTS', 'DTR', 'RTS'] as const;
export type ControlCircuit = (typeof CONTROL_CIRCUITS)[number];

/** An `enum` keyword: one message ("one of a, b") where a union of constants would give one per branch. */
function Enum<const T extends readonly (string | number | null)[]>(values: T, options: SchemaOptions = {}): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>({ ...options, enum: [...values] });
}

function Const<const T extends string>(value: T): TUnsafe<T> {
  return Type.Unsafe<T>({ const: value });
}

/** A string or null as one schema (`type: [string, null]`), so a bad pattern gets this schema's 'expected'. */
function NullableString(options: SchemaOptions = {}): TUnsafe<string | null> {
  return Type.Unsafe<string | null>({ type: ['string', 'null'], ...options });
}

/** A mapping without extra keys: a misspelt key is reported with its nearest neighbour. */
function Section<T extends TProperties>(properties: T, options: SchemaOptions = {}): TObject<T> {
  return Type.Object(properties, { additionalProperties: false, ...options });
}

const BcmPin = Type.Integer({ minimum: 0, maximum: 27, expected: 'a BCM GPIO number from 0 to 27' });
const LEAVES = { modulation: Enum(MODULATIONS), bcmPin: BcmPin };

/** A reference into the schema's definitions, typed as what it refers to. */
function Ref<D extends Record<string, TSchema>, K extends keyof D & string>(defs: D, name: K): TUnsafe<Static<D[K]>> {
  return Type.Unsafe<Static<D[K]>>({ $ref: `#/definitions/${name}` });
}

/** Pins by name, each optional: a name left out has no pin. */
function PinMap<const N extends readonly string[]>(names: N): TUnsafe<Partial<Record<N[number], number>>> {
  const properties = Object.fromEntries(names.map((n) => [n, Ref(LEAVES, 'bcmPin')]));
  return Type.Unsafe<Partial<Record<N[number], number>>>({ type: 'object', additionalProperties: false, properties });
}

const rings = { minimum: 0, maximum: 255, expected: 'a whole number of rings from 0 to 255' };

/** A channel preset of config/chain.ts: the path a call to this number crosses (issue 19). */
const presetKey = { expected: `a channel preset: ${PRESET_NAMES.join(', ')}` };

const ROUTES = [
  Section({
    kind: Const('modem'),
    modulation: Ref(LEAVES, 'modulation'),
    preset: Type.Optional(Enum(PRESET_NAMES, presetKey)),
    // The echo host, or a program joined to the answering modem's data after the handshake (docs/ppp.md).
    host: Type.Union([Enum(['echo']), Section({ command: Type.String({ minLength: 1, expected: 'a command line' }) })], {
      expected: 'echo, or { command: "..." } (a program joined to the answering modem\'s data)',
    }),
    errorControl: Type.Optional(
      Enum(['none', 'v42', 'v42bis'], { expected: 'none, v42 (LAPM with fallback) or v42bis (LAPM and compression); V.22 family only' }),
    ),
  }),
  Section({ kind: Const('busy') }),
  Section({ kind: Const('no-answer') }),
  Section({
    kind: Const('program'),
    command: Type.String({ minLength: 1, expected: 'a command line' }),
    answerAfterRings: Type.Optional(Type.Integer(rings)),
    preset: Type.Optional(Enum(PRESET_NAMES, presetKey)),
  }),
] as const;

/** What a telephone number of the simulated exchange reaches. */
export type NumberRoute = Static<(typeof ROUTES)[number]>;
export type ModemRoute = Extract<NumberRoute, { kind: 'modem' }>;

const DEFINITIONS = {
  ...LEAVES,
  route: Type.Unsafe<NumberRoute>({
    type: 'object',
    required: ['kind'],
    properties: { kind: Enum(['modem', 'busy', 'no-answer', 'program']) },
    expected: 'a route such as { kind: busy }',
    discriminator: { propertyName: 'kind' },
    oneOf: ROUTES,
  }),
};

const Device = Section({
  id: NullableString({ pattern: '^[a-z0-9][a-z0-9_-]{0,31}$', expected: 'null (the host name) or 1-32 characters a-z 0-9 _ - (it is an MQTT topic level)' }),
  name: Type.String({ minLength: 1, maxLength: 64, expected: 'a display name of 1-64 characters' }),
});

const Modem = Section({
  txLevelDbm0: Type.Number({ minimum: -43, maximum: 0, expected: 'a level from -43 to 0 dBm0' }),
  answerToneMs: Type.Integer({ minimum: 0, maximum: 10000, expected: 'milliseconds from 0 to 10000' }),
  modulation: Ref(LEAVES, 'modulation'),
});

const Serial = Section({
  backend: Enum(['pty', 'serialport', 'tcp']),
  link: Type.String({ minLength: 1, expected: "a path for the pseudo-terminal's symlink" }),
  /** serialport: RTS/CTS on the UART's own pins. */
  rtscts: Type.Optional(Type.Boolean({ expected: "true (RTS/CTS on the UART's own pins) or false" })),
  /** DTE framing: auto (detected from each "AT") or fixed. */
  framing: Type.Optional(Enum(['auto', '8N1', '7E1', '7O1'])),
  tcp: Type.Optional(
    Section({
      host: Type.String({ minLength: 1, expected: 'an address to listen on, such as 127.0.0.1 or 0.0.0.0' }),
      port: Type.Integer({ minimum: 1, maximum: 65535, expected: 'a TCP port from 1 to 65535' }),
    }),
  ),
  device: Type.Optional(NullableString({ pattern: '^/dev/', expected: 'a device path such as /dev/serial0' })),
  baudRate: Type.Optional(Enum([300, 1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200])),
});

const Leds = Section({
  backend: Enum(['terminal', 'none', 'gpio']),
  pins: Type.Optional(PinMap(LED_NAMES)),
  activeLow: Type.Optional(Type.Boolean({ expected: 'true (LEDs light at 0 V) or false' })),
  blinkMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000, expected: 'milliseconds from 0 to 1000' })),
});

/** The GPIO chip for LEDs and control lines: probed (auto), or named. */
const Gpio = Section({
  backend: Enum(['auto', 'chardev', 'sysfs', 'fake']),
  /** chardev: the device (/dev/gpiochip0); null picks the chip of the 40-pin header by its label. */
  chip: Type.Optional(
    NullableString({ pattern: '^/dev/gpiochip[0-9]+$', expected: "null (the header's chip, found by its label) or a device such as /dev/gpiochip0" }),
  ),
});

/** RS-232 control lines: simulated (PTY, TCP, a three-wire cable) or GPIO pins behind the transceiver. */
const ControlLines = Section({
  backend: Enum(['simulated', 'gpio']),
  pins: Type.Optional(PinMap(CONTROL_CIRCUITS)),
  activeLow: Type.Optional(Type.Boolean({ expected: 'true (the transceiver inverts: on is 0 V at the Pi) or false' })),
  debounceMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000, expected: 'milliseconds from 0 to 1000' })),
});

const pcm = 'an ALSA PCM name such as plughw:CARD=Device or bluealsa:DEV=AA:BB:CC:DD:EE:FF,PROFILE=sco';

/** The telephone line and its audio (hal/line, hal/audio); see firmware-app/line-factory.ts. */
const Line = Section({
  backend: Enum(['simulated', 'bluetooth', 'soundcard', 'internet']),
  audio: Section({
    backend: Enum(['alsa', 'simulated']),
    capture: NullableString({ minLength: 1, expected: pcm }),
    playback: NullableString({ minLength: 1, expected: pcm }),
    rate: Enum([null, 8000, 16000, 44100, 48000]),
    periodMs: Type.Integer({ minimum: 5, maximum: 40, expected: 'an ALSA period from 5 to 40 ms' }),
    periods: Type.Integer({ minimum: 2, maximum: 16, expected: 'a buffer of 2 to 16 periods' }),
    maxLatencyMs: Type.Integer({ minimum: 40, maximum: 2000, expected: 'a latency bound from 40 to 2000 ms' }),
  }),
  bluetooth: Section({
    phone: NullableString({
      pattern: '^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$',
      expected: 'a Bluetooth address such as AA:BB:CC:DD:EE:FF, or null for the first phone oFono offers',
    }),
    dbusAddress: NullableString({ minLength: 1, expected: 'a D-Bus address such as unix:path=/run/dbus/system_bus_socket, or null for the system bus' }),
  }),
  soundcard: Section({
    hookPin: Ref(LEAVES, 'bcmPin'),
    ringPin: Type.Union([Ref(LEAVES, 'bcmPin'), Type.Null()], { expected: 'a BCM GPIO number from 0 to 27, or null for no ring detector' }),
    hookActiveLow: Type.Boolean(),
    ringActiveLow: Type.Boolean(),
    country: Enum(['US', 'EU']),
    dialToneWaitMs: Type.Integer({ minimum: 500, maximum: 30000, expected: 'a wait for dial tone from 500 to 30000 ms' }),
    blindDial: Type.Boolean(),
  }),
});

/** The channel model between the parties of the simulated exchange, each direction. */
const LineModel = Section({
  snrDb: Type.Optional(Type.Number({ minimum: -20, maximum: 100, expected: 'a number of dB from -20 to 100' })),
  bandLimit: Type.Optional(Type.Boolean()),
  /** The hops between Dialtone and the landline, in order (config/chain.ts checks the elements and their options). */
  chain: Type.Optional(
    Type.Unsafe<unknown>({
      type: ['array', 'object'],
      expected: 'a list of channel models such as [cvsd, { amr-nb: { mode: 7.95 } }, g711a], or { toCallee: [...], toCaller: [...] }',
    }),
  ),
  /** A named chain of config/chain.ts for every call (a number's preset and the dial suffix come first). */
  preset: Type.Optional(Enum(PRESET_NAMES, presetKey)),
});

const Exchange = Section({
  line: LineModel,
  answerAfterRings: Type.Integer(rings),
  numbers: Type.Unsafe<Record<string, NumberRoute>>({
    type: 'object',
    propertyNames: { pattern: '^[0-9*#A-D]{1,32}$', expected: 'a telephone number: 1-32 of the digits 0-9 * # A-D' },
    expected: 'a mapping of telephone numbers (digits 0-9 * # A-D) to routes',
    additionalProperties: Ref(DEFINITIONS, 'route'),
  }),
});

const pem = { expected: 'a path to a PEM file' };
const topic = '^[^#+\\s]+$';

const Mqtt = Section({
  enabled: Type.Boolean(),
  url: NullableString({
    pattern: '^(mqtt|mqtts|ws|wss)://[^\\s/]+(:[0-9]+)?(/\\S*)?$',
    expected: 'a broker URL such as mqtt://broker.lan:1883 or mqtts://broker.lan:8883',
  }),
  username: NullableString(),
  passwordFile: NullableString({ pattern: '^/', expected: 'an absolute path to a file holding the password' }),
  tls: Section({
    ca: Type.Optional(NullableString(pem)),
    cert: Type.Optional(NullableString(pem)),
    key: Type.Optional(NullableString(pem)),
    rejectUnauthorized: Type.Optional(Type.Boolean()),
  }),
  topicPrefix: Type.String({ pattern: topic, expected: 'an MQTT topic prefix without wildcards or spaces' }),
  discoveryPrefix: NullableString({ pattern: topic, expected: 'null (no Home Assistant discovery) or a topic prefix such as homeassistant' }),
  publishNumbers: Type.Boolean(),
  lineIntervalMs: Type.Integer({ minimum: 200, maximum: 600000, expected: 'milliseconds from 200 to 600000' }),
  queueLimit: Type.Integer({ minimum: 1, maximum: 10000, expected: 'a number of messages from 1 to 10000' }),
  keepaliveS: Type.Integer({ minimum: 5, maximum: 3600, expected: 'seconds from 5 to 3600' }),
  /** The embedded broker, started when enabled and url is null. */
  broker: Section({
    listen: Type.String({ minLength: 1, expected: 'an address to listen on, such as 127.0.0.1 (this machine only) or 0.0.0.0' }),
    port: Type.Integer({ minimum: 0, maximum: 65535, expected: 'a TCP port from 0 to 65535 (0: any free port)' }),
  }),
});

const Watchdog = Section({
  maxEventLoopLagMs: Type.Integer({ minimum: 50, maximum: 60000, expected: 'milliseconds from 50 to 60000' }),
  maxClockStallMs: Type.Integer({ minimum: 100, maximum: 60000, expected: 'milliseconds from 100 to 60000' }),
});

const Panel = Section({
  enabled: Type.Boolean(),
  listen: Type.String({ minLength: 1, expected: "an address to listen on: 127.0.0.1, ::1, 0.0.0.0 or an interface's address" }),
  port: Type.Integer({ minimum: 0, maximum: 65535, expected: 'a TCP port from 1 to 65535, or 0 for any free port' }),
  passwordFile: NullableString({ pattern: '^/', expected: "an absolute path to a file holding the panel's password" }),
  allowChanges: Type.Boolean({ expected: 'true to let the panel change things (start recording, hang up); false: read-only' }),
});

const hostName = { minLength: 1, maxLength: 253, pattern: '^[A-Za-z0-9_.:-]+$', expected: 'a host name (RFC 1123) or an IPv4/IPv6 address' };
const tcpPort = { minimum: 1, maximum: 65535, expected: 'a TCP port from 1 to 65535' };
const lineRate = { minimum: 300, maximum: 115200, expected: 'a line rate from 300 to 115200 bit/s' };

/** A phone-book entry: a number dialled with digits reaches this host (hal/line/internet/routed-line.ts). */
const PhoneBookEntry = Section({
  host: Type.String(hostName),
  port: Type.Optional(Type.Integer(tcpPort)),
  telnet: Type.Optional(Type.Boolean({ expected: 'true to speak telnet to the host, false for raw TCP' })),
});

/** The Internet line (hal/line/internet): telnet and raw TCP calls out, and a listener for calls in. */
const Internet = Section({
  enabled: Type.Boolean({ expected: 'true to dial host names and host:port over the Internet beside the phone line' }),
  telnet: Type.Boolean({ expected: 'true to speak telnet to hosts by default (AT#TELNET=0/1 per session), false for raw TCP' }),
  terminalType: Type.String({
    minLength: 1,
    maxLength: 40,
    pattern: '^[!-~]+$',
    expected: 'a terminal type of 1 to 40 printable characters (RFC 1091), e.g. ANSI',
  }),
  columns: Type.Integer({ minimum: 1, maximum: 1000, expected: 'a window width from 1 to 1000 columns' }),
  rows: Type.Integer({ minimum: 1, maximum: 1000, expected: 'a window height from 1 to 1000 rows' }),
  lineRate: Type.Union([Type.Integer(lineRate), Type.Null()], { expected: 'a line rate from 300 to 115200 bit/s, or null for the DTE speed' }),
  phonebook: Type.Record(Type.String({ pattern: '^[0-9*#]{1,40}$' }), PhoneBookEntry, {
    expected: 'numbers (digits, * and #) mapped to { host, port, telnet }',
  }),
  listen: Section({
    enabled: Type.Boolean({ expected: 'true to take incoming TCP calls (they RING on the DTE)' }),
    address: Type.String({ minLength: 1, expected: "an address to listen on: 127.0.0.1, ::1, 0.0.0.0 or an interface's address" }),
    port: Type.Integer({ minimum: 0, maximum: 65535, expected: 'a TCP port from 1 to 65535, or 0 for any free port' }),
    telnet: Type.Boolean({ expected: 'true to speak telnet to callers, false for raw TCP' }),
    busyMessage: Type.String({ maxLength: 200, expected: 'the text a second caller reads before the connection is closed (at most 200 characters)' }),
    maxRings: Type.Integer({ minimum: 1, maximum: 255, expected: 'rings (6 s each) before an unanswered caller is dropped, 1 to 255' }),
    passwordFile: NullableString({ pattern: '^/', expected: 'an absolute path to a file holding the password callers must give' }),
    maxPerMinute: Type.Union([Type.Integer({ minimum: 1, maximum: 1000 }), Type.Null()], {
      expected: 'connections accepted per minute, 1 to 1000, or null for no limit',
    }),
  }),
});

const Recording = Section({
  enabled: Type.Boolean({ expected: "true to record every call's audio (AT#REC=1 does it per session)" }),
  keep: Type.Integer({ minimum: 1, maximum: 1000, expected: 'how many recordings to keep, 1 to 1000' }),
});

export const CONFIG_SCHEMA = Section(
  {
    device: Device,
    modem: Modem,
    serial: Serial,
    leds: Leds,
    gpio: Gpio,
    controlLines: ControlLines,
    clock: Enum(['realtime', 'fast']),
    control: Section({
      socket: Type.String({ minLength: 1, maxLength: 100, expected: 'a Unix socket path (at most 100 characters)' }),
    }),
    line: Line,
    exchange: Exchange,
    internet: Internet,
    mqtt: Mqtt,
    watchdog: Watchdog,
    panel: Panel,
    recording: Recording,
  },
  {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://dialtone.invalid/config/schema.json',
    title: 'Dialtone configuration',
    description:
      "config/default.yaml overlaid by /etc/dialtone/dialtone.yaml (or --config FILE). 'expected' is what an error message says when a value does not fit.",
    definitions: DEFINITIONS,
  },
);

/** The configuration as the files state it, merged over config/default.yaml (what the schema validates). */
export type ConfigFile = Static<typeof CONFIG_SCHEMA>;

export type LineModelConfig = Static<typeof LineModel>;
export type LineConfig = Static<typeof Line>;
export type InternetConfig = Static<typeof Internet> & {
  listen: Static<typeof Internet>['listen'] & {
    /** Read from passwordFile at load time; never logged. */
    password?: string | null;
  };
};
export type PhoneBookEntryConfig = Static<typeof PhoneBookEntry>;
export type GpioConfig = Static<typeof Gpio>;
export type ControlLinesConfig = Static<typeof ControlLines>;

export type MqttConfig = Static<typeof Mqtt> & {
  /** Read from passwordFile at load time; never logged. */
  password: string | null;
};

export type PanelConfig = Static<typeof Panel> & {
  /** Read from passwordFile at load time; never logged or shown. */
  password?: string | null;
};

/** The whole configuration as loadConfig returns it: device.id resolved (the host name if null), passwords read. */
export type DialtoneConfig = Omit<ConfigFile, 'device' | 'mqtt' | 'panel' | 'internet'> & {
  device: ConfigFile['device'] & { id: string };
  internet: InternetConfig;
  mqtt: MqttConfig;
  panel: PanelConfig;
};
