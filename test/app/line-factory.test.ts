import test from 'ava';
import { AlsaAudioDevice } from '../../hal/audio/alsa-device.ts';
import { BluetoothPhoneLine } from '../../hal/line/bluetooth-line.ts';
import { RoutedLine } from '../../hal/line/internet/routed-line.ts';
import { SimulatedExchange } from '../../hal/line/simulated-exchange.ts';
import { SoundCardLine } from '../../hal/line/soundcard-line.ts';
import { AudioClock } from '../../firmware-app/audio-clock.ts';
import { ConfigError, loadConfig } from '../../firmware-app/config.ts';
import { audioDefaults, createLine } from '../../firmware-app/line-factory.ts';
import { FakeGpioChip } from '../hal/line/fake-exchange.ts';
import { FakeOfono, PrivateBus } from '../hal/line/fake-ofono.ts';

const sim = () => new SimulatedExchange({ numbers: {}, line: {}, answerAfterRings: 1, log: () => {} });

test('the simulated exchange stays the default line', async (t) => {
  const parts = await createLine(loadConfig(), { log: () => {} }, sim);
  t.true(parts.phone instanceof SimulatedExchange);
  t.true(parts.line instanceof RoutedLine, 'host names go to the Internet beside it');
  t.truthy(parts.internet);
  t.is(parts.audio, null);
  t.false(parts.clock instanceof AudioClock);
});

test('line.backend bluetooth: oFono on the configured bus, BlueALSA SCO PCM at 8 kHz, frames from the audio clock', async (t) => {
  const bus = await PrivateBus.start();
  const phone = await FakeOfono.start(bus.address);
  const cfg = loadConfig(undefined, { line: { backend: 'bluetooth', bluetooth: { phone: '00:11:22:33:44:55', dbusAddress: bus.address } } });
  const parts = await createLine(cfg, { log: () => {} }, sim);
  t.true(parts.phone instanceof BluetoothPhoneLine);
  t.true(parts.audio instanceof AlsaAudioDevice);
  t.true(parts.clock instanceof AudioClock);
  t.is(parts.audio!.name, 'bluealsa:DEV=00:11:22:33:44:55,PROFILE=sco');
  t.is((parts.phone as BluetoothPhoneLine).modem, '/hfp/org/bluez/hci0/dev_00_11_22_33_44_55');
  parts.line.close();
  await new Promise((r) => setTimeout(r, 100));
  phone.stop();
  await bus.stop();
});

test('line.backend soundcard: hook relay and ring detector claimed on the GPIO chip, 48 kHz default card', async (t) => {
  const cfg = loadConfig(undefined, { line: { backend: 'soundcard', soundcard: { hookPin: 20, ringPin: 21 } } });
  t.deepEqual(audioDefaults(cfg), { capture: 'default', playback: 'default', rate: 48000 });
  const chip = new FakeGpioChip();
  const parts = await createLine(cfg, { log: () => {}, gpio: () => chip }, sim);
  t.true(parts.phone instanceof SoundCardLine);
  t.false(chip.outputs.get(20));
  t.throws(() => chip.input(21), { message: /already in use/ });
});

test('internet.enabled false: the telephone line alone; line.backend internet: the Internet alone, its own frame clock', async (t) => {
  const off = await createLine(loadConfig(undefined, { internet: { enabled: false } }), { log: () => {} }, sim);
  t.true(off.line instanceof SimulatedExchange);
  t.is(off.internet, null);
  const only = await createLine(loadConfig(undefined, { line: { backend: 'internet' } }), { log: () => {} }, sim);
  t.true(only.line instanceof RoutedLine);
  t.is(only.phone, null);
  t.is(only.exchange, null);
  t.false(only.clock instanceof AudioClock);
  only.line.close();
});

test('a sound card line pin given to an LED too is a configuration error', (t) => {
  const err = t.throws(
    () => loadConfig(undefined, { leds: { backend: 'gpio', pins: { HS: 20 } }, line: { backend: 'soundcard', soundcard: { hookPin: 20 } } }),
    { instanceOf: ConfigError },
  );
  t.regex(err.message, /line\.soundcard\.hookPin: found 20, expected a pin not already given to LED HS/);
});
