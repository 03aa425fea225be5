import test from 'ava';
import {
  AMR_NB_MODE_LIST,
  AMR_WB_MODE_LIST,
  ChainConfigError,
  chainDirections,
  describeChain,
  keyPath,
  parseChain,
  presetChain,
  PRESET_NAMES,
  resolveExchangeChains,
} from '../../config/chain.ts';
import { AMR_NB_MODES, AMR_WB_MODES } from '../../hal/codecs/codec-stage.ts';

test('the AMR mode lists are those of hal/codecs', (t) => {
  t.deepEqual([...AMR_NB_MODE_LIST], [...AMR_NB_MODES]);
  t.deepEqual([...AMR_WB_MODE_LIST], [...AMR_WB_MODES]);
});

test('a chain: names and one-key mappings, defaults filled in, a plain list reversed on the way back', (t) => {
  const spec = parseChain(['cvsd', { 'amr-nb': { mode: 7.95, dtx: true } }, 'g711a'], 'exchange.line.chain');
  t.deepEqual(chainDirections(spec, true).fromDialtone, [
    { kind: 'cvsd' },
    { kind: 'amr-nb', mode: 7.95, dtx: true, schedule: undefined, erasureRate: undefined, seed: undefined },
    { kind: 'g711a' },
  ]);
  t.deepEqual(
    chainDirections(spec, true).toDialtone.map((e) => e.kind),
    ['g711a', 'amr-nb', 'cvsd'],
  );
  t.is(describeChain(spec), 'custom: cvsd > amr-nb 7.95 dtx > g711a');
  const two = parseChain({ toCallee: ['g711u'], toCaller: ['gsm-fr', { noise: { snrDb: 30 } }] }, 'k');
  t.deepEqual(chainDirections(two, true).fromDialtone, [{ kind: 'g711u' }]);
  t.deepEqual(chainDirections(two, false).fromDialtone.map((e) => e.kind), ['gsm-fr', 'noise']);
});

test('every preset parses, and says what it is', (t) => {
  for (const p of PRESET_NAMES) t.notThrows(() => presetChain(p, 'preset'));
  t.is(describeChain(presetChain('umts-amr', 'x')), 'umts-amr: cvsd > amr-nb 12.2/15s 7.95/15s 12.2 > g711a');
  t.is(describeChain(presetChain('poor-radio', 'x')), 'poor-radio: cvsd > amr-nb 4.75 fer 1% > g711a');
  t.is(describeChain(presetChain('volte-wb', 'x')), 'volte-wb: msbc > amr-wb 12.65 > g711a');
  t.is(describeChain(presetChain('gsm-fr', 'x')), 'gsm-fr: cvsd > gsm-fr > g711a');
});

/** Bad chains and the key and words each error must name. */
const BAD: { name: string; chain: unknown; key: string; found: RegExp }[] = [
  { name: 'an unknown codec', chain: ['cvsd', 'amr'], key: 'exchange.line.chain[1]', found: /unknown channel model "amr"/ },
  { name: 'an AMR-NB mode that does not exist', chain: [{ 'amr-nb': { mode: 7.9 } }], key: 'exchange.line.chain[0].amr-nb.mode', found: /7\.9, not an AMR-NB mode/ },
  { name: 'an AMR-WB mode that does not exist', chain: [{ 'amr-wb': { mode: 12.2 } }], key: 'exchange.line.chain[0].amr-wb.mode', found: /12\.2, not an AMR-WB mode/ },
  { name: 'a schedule step with a bad mode', chain: [{ 'amr-nb': { schedule: [{ mode: 12.2, seconds: 5 }, { mode: 3, seconds: 1 }] } }], key: 'exchange.line.chain[0].amr-nb.schedule[1].mode', found: /^3, not/ },
  { name: 'an erasure rate above 1', chain: [{ 'amr-nb': { erasureRate: 1.5 } }], key: 'exchange.line.chain[0].amr-nb.erasureRate', found: /^1\.5$/ },
  { name: 'an erasure rate below 0', chain: [{ msbc: { erasureRate: -0.1 } }], key: 'exchange.line.chain[0].msbc.erasureRate', found: /^-0\.1$/ },
  { name: 'an unknown option', chain: [{ cvsd: { rate: 64 } }], key: 'exchange.line.chain[0].cvsd.rate', found: /unknown option "rate"/ },
  { name: 'two names in one element', chain: [{ cvsd: {}, g711a: {} }], key: 'exchange.line.chain[0]', found: /cvsd/ },
  { name: 'one direction only', chain: { toCallee: ['cvsd'] }, key: 'exchange.line.chain', found: /only one direction/ },
];

for (const c of BAD) {
  test(`refused: ${c.name}, naming the key`, (t) => {
    const err = t.throws(() => parseChain(c.chain, 'exchange.line.chain'), { instanceOf: ChainConfigError });
    t.is(err.key, c.key);
    t.regex(err.found, c.found);
  });
}

test('refused: an unknown preset, on the line or on a number, naming the key', (t) => {
  const line = t.throws(() => resolveExchangeChains({ line: { preset: 'lte' }, numbers: {} }), { instanceOf: ChainConfigError });
  t.is(line.key, 'exchange.line.preset');
  t.regex(line.found, /unknown preset "lte"/);
  t.regex(line.expected, /gsm-fr, umts-amr, volte-wb, poor-radio/);
  const num = t.throws(() => resolveExchangeChains({ line: {}, numbers: { '5551000': { kind: 'busy' }, '5552400': { kind: 'modem', preset: 'umts' } } }), { instanceOf: ChainConfigError });
  t.is(num.key, 'exchange.numbers.5552400.preset');
  t.throws(() => resolveExchangeChains({ line: { preset: 'gsm-fr', chain: ['cvsd'] }, numbers: {} }), { message: /exchange\.line\.preset/ });
  const ok = resolveExchangeChains({ line: { chain: ['cvsd'] }, numbers: { '5552400': { preset: 'poor-radio' } } });
  t.is(ok.numbers['5552400'].name, 'poor-radio');
});

test('keyPath: a key as the loader walks it', (t) => {
  t.deepEqual(keyPath('exchange.line.chain[1].amr-nb.schedule[0].mode'), ['exchange', 'line', 'chain', 1, 'amr-nb', 'schedule', 0, 'mode']);
});
