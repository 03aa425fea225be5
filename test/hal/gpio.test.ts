import test from 'ava';
import type { ExecutionContext } from 'ava';
import { CharDevGpioChip, loadGpioAddon } from '../../hal/gpio/chardev-chip.ts';
import { FakeGpioChip } from '../../hal/gpio/fake-chip.ts';
import { GpioError } from '../../hal/gpio/gpio.ts';
import type { GpioChip } from '../../hal/gpio/gpio.ts';
import { openGpioChip, probeGpio } from '../../hal/gpio/open-chip.ts';
import { SysfsGpioChip } from '../../hal/gpio/sysfs-chip.ts';
import { StubKernel, stubSysfs } from './gpio-stubs.ts';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A backend under test: the chip, and how to set and read electrical levels at its BCM pins. */
interface Rig {
  chip: GpioChip;
  drive(pin: number, level: boolean): void;
  level(pin: number): boolean;
}

const backends: Record<string, () => Rig> = {
  fake: () => {
    const chip = new FakeGpioChip();
    return { chip, drive: (p, l) => chip.drive(p, l), level: (p) => chip.level(p) };
  },
  'chardev (kernel stand-in)': () => {
    const k = new StubKernel();
    k.chips.set('/dev/gpiochip0', { label: 'pinctrl-bcm2711', lines: 58 });
    const chip = new CharDevGpioChip('/dev/gpiochip0', k);
    return { chip, drive: (p, l) => k.drive(p, l), level: (p) => k.level(p) };
  },
  'sysfs (onoff stand-in, base 512)': () => {
    const s = stubSysfs('pinctrl-bcm2711', 512);
    const chip = new SysfsGpioChip(s.root, s.onoff);
    return { chip, drive: (p, l) => s.drive(512 + p, l), level: (p) => s.exported.get(512 + p)!.value === 1 };
  },
};

async function contract(t: ExecutionContext, make: () => Rig): Promise<void> {
  const { chip, drive, level } = make();
  t.teardown(() => chip.close());
  // Argument checks, identical in every backend.
  for (const bad of [-1, 1.5, Number.NaN, 9999]) t.throws(() => chip.output(bad), { instanceOf: GpioError, message: /out of range/ });
  const led = chip.output(5, { initial: true });
  t.true(level(5));
  t.throws(() => chip.output(5), { instanceOf: GpioError, message: /pin 5 is already claimed \(as an output\)/ });
  t.throws(() => chip.input(5), { instanceOf: GpioError, message: /already claimed/ });
  led.write(false);
  t.false(level(5));
  led.close();
  t.throws(() => led.write(true), { instanceOf: GpioError, message: /closed/ });
  chip.output(5, { activeLow: true, initial: true }).write(true);
  t.false(level(5), 'active low: logical on is 0 V');
  // An input that bounces: one change, after the debounce time.
  const dtr = chip.input(4, { activeLow: true, debounceMs: 20 });
  const start = dtr.read();
  const seen: boolean[] = [];
  dtr.onChange((v) => seen.push(v));
  for (let i = 0; i < 5; i++) {
    drive(4, i % 2 === 1);
    await sleep(2);
  }
  drive(4, start); // settles at the level that means !start (active low: electrical = not logical)
  t.deepEqual(seen, [], 'nothing before the level has held for the debounce time');
  await sleep(60);
  t.deepEqual(seen, [!start]);
  t.is(dtr.read(), !start);
  drive(4, !start);
  await sleep(60);
  t.deepEqual(seen, [!start, start]);
}

for (const [name, make] of Object.entries(backends)) test(`GPIO contract: ${name}`, (t) => contract(t, make));

test('the fake chip records writes and refuses a closed chip', (t) => {
  const chip = new FakeGpioChip(8);
  const p = chip.output(7);
  p.write(true);
  p.write(true);
  t.is(chip.writesTo(7).length, 3, 'initial level and two writes');
  t.throws(() => chip.output(8), { message: /out of range \(this chip has pins 0 to 7\)/ });
  chip.close();
  t.false(chip.claimed(7));
  t.throws(() => chip.output(1), { message: /chip is closed/ });
});

test('the character-device addon is built and reports a missing or wrong device clearly', (t) => {
  const addon = loadGpioAddon();
  t.throws(() => new CharDevGpioChip('/dev/gpiochip99', addon), { instanceOf: GpioError, message: /\/dev\/gpiochip99: no such GPIO chip/ });
  t.throws(() => new CharDevGpioChip('/dev/null', addon), { instanceOf: GpioError, message: /not a GPIO character device/ });
});

test('chardev: a line another program holds is refused with advice', (t) => {
  const k = new StubKernel();
  k.chips.set('/dev/gpiochip4', { label: 'pinctrl-rp1', lines: 54 });
  const a = new CharDevGpioChip('/dev/gpiochip4', k);
  a.output(17);
  const b = new CharDevGpioChip('/dev/gpiochip4', k); // another process, as far as the kernel knows
  t.throws(() => b.output(17), { instanceOf: GpioError, message: /line 17: the line is in use by another program/ });
  t.is(a.lineUser(17), 'dialtone');
  t.is(a.lineUser(18), null);
  t.notThrows(() => b.output(18), 'a refused request does not leave the pin claimed');
});

test('sysfs: the base is read from the chip label, not assumed (Pi 5: 571)', (t) => {
  const s = stubSysfs('pinctrl-rp1', 571, 54);
  const chip = new SysfsGpioChip(s.root, s.onoff);
  chip.output(22, { initial: true });
  t.is(chip.base, 571);
  t.true(s.exported.has(593));
  chip.close();
  t.false(s.exported.has(593), 'closing unexports');
});

test('probing: chardev preferred, then sysfs, else a clear error naming what was found', (t) => {
  const k = new StubKernel();
  const s = stubSysfs('pinctrl-bcm2835', 0, 54);
  const p = probeGpio({ devDir: '/nonexistent', sysfsRoot: s.root, addon: k });
  t.is(p.choice, 'sysfs');
  const none = stubSysfs('some-expander', 504, 8);
  t.throws(() => openGpioChip({ backend: 'auto' }, { devDir: '/nonexistent', sysfsRoot: none.root, addon: k }), {
    instanceOf: GpioError,
    message: /no GPIO chip for the 40-pin header .* found; found sysfs some-expander base 504/,
  });
  t.true(openGpioChip({ backend: 'fake' }) instanceof FakeGpioChip);
});
