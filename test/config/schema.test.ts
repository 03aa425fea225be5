import test from 'ava';
import { readFileSync } from 'node:fs';
import { CONTROL_CIRCUITS, LED_NAMES, MODULATIONS } from '../../config/schema.ts';
import type { ControlCircuit, DialtoneConfig, LedName, Modulation } from '../../config/schema.ts';
import { MODULATIONS as PUMP_MODULATIONS } from '../../dsp/pump-factory.ts';
import type { Modulation as PumpModulation } from '../../dsp/pump-factory.ts';
import type { CountryCode } from '../../dsp/tones/cadences.ts';
import { LED_NAMES as PANEL_LEDS } from '../../hal/leds/led-panel.ts';
import type { LedName as PanelLed } from '../../hal/leds/led-panel.ts';
import type { ControlPinMap } from '../../hal/lines/gpio-control-lines.ts';
import { SCHEMA_JSON, schemaJson } from '../../scripts/config-schema.ts';

/** True only when A and B are the same type (not merely assignable one way). */
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

test('config/schema.json is what config/schema.ts generates (npm run config:schema)', async (t) => {
  t.is(readFileSync(SCHEMA_JSON, 'utf8'), await schemaJson(), 'config/schema.json is out of date: run npm run config:schema');
});

test("the configuration's names agree with dsp/'s and hal/'s, which may not import config/", (t) => {
  const modulations: Same<Modulation, PumpModulation> = true;
  const leds: Same<LedName, PanelLed> = true;
  const circuits: Same<ControlCircuit, keyof ControlPinMap> = true;
  const countries: Same<DialtoneConfig['line']['soundcard']['country'], CountryCode> = true;
  t.true(modulations && leds && circuits && countries);
  t.deepEqual([...MODULATIONS], [...PUMP_MODULATIONS]);
  t.deepEqual([...LED_NAMES], [...PANEL_LEDS]);
  t.deepEqual([...CONTROL_CIRCUITS].sort(), ['CTS', 'DCD', 'DSR', 'DTR', 'RI', 'RTS']);
});
