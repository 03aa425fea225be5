/**
 * Calls through a cell phone (issue 19): every modulation × every channel chain, Dialtone's pumps and spandsp
 * 0.0.6's modems through the same chains in the same run. Rows of kind 'cellular':
 *
 *   modulation, channel, implementation ('dialtone' | 'spandsp'), calls (N per cell), connects (both ends reached
 *   CONNECT within 20 s of line time), bits (payload bits offered after connect, summed over the connected calls),
 *   errors (bit errors: bits wrong in the characters that arrived plus 8 per character lost or inserted, see
 *   test/bench/cellular-calls.ts), byte_errors, ber (errors / bits; null when nothing connected),
 *   connect_s (slowest CONNECT), rate_min (the lowest CONNECT rate among the connected calls: V.22bis may fall back
 *   to 1200, and is given the line time 1200 bit/s needs; null where a peer does not report it), and note (why a
 *   cell was not measured).
 *
 * Channels: 'none' (the pumps joined directly), G.711 A-law alone, GSM 06.10 full rate alone, each AMR-NB mode alone,
 * AMR-WB 12.65 alone, and each preset of config/chain.ts (CVSD/mSBC, the cellular codec and G.711 in order). No
 * noise is added: the codecs and the delta modulation are the impairment. Each call's payload is 100 000 bits / N
 * (10 000 / N with --quick), both ways on the duplex modulations, answerer to caller on V.23 (forward channel) and
 * Bell 202 (half duplex). Bell 212A: spandsp 0.0.6 has no Bell 212A modem, so its spandsp cells say so.
 * The codec chains need the reference codec bindings (hal/codecs); without them their cells are 'not measured'.
 */
import { parseChain, presetChain, AMR_NB_MODE_LIST, PRESET_NAMES, chainNeedsCodecs, type ChainSpec } from '../../../config/chain.ts';
import type { CallChannels, CodecFactory } from '../../../hal/line/channel-chain.ts';
import { channelsFor, dialtoneCall, spandspCall, spandspHas, type BenchModulation, type CallOutcome } from '../cellular-calls.ts';
import type { BenchCase, BenchRow } from '../row.ts';

const MODULATIONS: BenchModulation[] = ['v21', 'bell103', 'v23', 'bell202', 'v22', 'bell212a', 'v22bis'];

function channelList(): { name: string; spec: ChainSpec }[] {
  const out = [
    { name: 'none', spec: parseChain([], 'none', 'none') },
    { name: 'g711a', spec: parseChain(['g711a'], 'g711a', 'g711a') },
    { name: 'gsm-fr', spec: parseChain(['gsm-fr'], 'gsm-fr', 'gsm-fr') },
  ];
  for (const mode of AMR_NB_MODE_LIST) out.push({ name: `amr-nb-${mode}`, spec: parseChain([{ 'amr-nb': { mode } }], 'amr-nb', `amr-nb-${mode}`) });
  out.push({ name: 'amr-wb-12.65', spec: parseChain([{ 'amr-wb': { mode: 12.65 } }], 'amr-wb', 'amr-wb-12.65') });
  for (const p of PRESET_NAMES) out.push({ name: `preset ${p}`, spec: presetChain(p, 'preset') });
  return out;
}

/** hal/codecs' factory when the bindings are built and load; the reason when not. */
async function loadCodecs(): Promise<{ create: CodecFactory | null; reason: string }> {
  try {
    const path = '../../../hal/codecs/index.ts'; // not a literal: the bench type-checks before the bindings exist
    const mod = (await import(path)) as { createCodecStage?: CodecFactory };
    if (!mod.createCodecStage) return { create: null, reason: 'hal/codecs exports no createCodecStage' };
    mod.createCodecStage({ codec: 'amr-nb', mode: 12.2 }).close(); // loads the libraries now, not mid-call
    return { create: mod.createCodecStage, reason: '' };
  } catch (err) {
    return { create: null, reason: `codec bindings not available: ${(err as Error).message.split('\n')[0]}` };
  }
}

function row(m: BenchModulation, channel: string, implementation: string, calls: number, outcomes: CallOutcome[] | null, note = ''): BenchRow {
  if (!outcomes) return { kind: 'cellular', modulation: m, channel, implementation, calls: 0, connects: null, bits: 0, errors: null, byte_errors: null, ber: null, connect_s: null, rate_min: null, note };
  const ok = outcomes.filter((o) => o.connected);
  const bits = ok.reduce((s, o) => s + o.bits, 0);
  const errors = ok.reduce((s, o) => s + o.bitErrors, 0);
  return {
    kind: 'cellular',
    modulation: m,
    channel,
    implementation,
    calls,
    connects: ok.length,
    bits,
    errors: ok.length ? errors : null,
    byte_errors: ok.length ? ok.reduce((s, o) => s + o.byteErrors, 0) : null,
    ber: bits > 0 ? errors / bits : null,
    connect_s: ok.length ? Math.max(...ok.map((o) => o.connectSeconds ?? 0)) : null,
    rate_min: ok.some((o) => o.rate !== null) ? Math.min(...ok.filter((o) => o.rate !== null).map((o) => o.rate!)) : null,
    note,
  };
}

/** `calls` calls, each through fresh channels (released after it, whatever happens). */
async function runCalls(calls: number, channels: (i: number) => CallChannels, call: (c: CallChannels, i: number) => CallOutcome | Promise<CallOutcome>): Promise<CallOutcome[]> {
  const out: CallOutcome[] = [];
  for (let i = 0; i < calls; i++) {
    const c = channels(i);
    try {
      out.push(await call(c, i));
    } finally {
      c.fromDialtone.close();
      c.toDialtone.close();
    }
  }
  return out;
}

const cellular: BenchCase = async ({ quick }) => {
  const calls = quick ? 2 : 3;
  const bytesPerCall = Math.ceil((quick ? 10_000 : 100_000) / 8 / calls);
  const codecs = await loadCodecs();
  const only = process.env.CELLULAR_CHANNELS?.split(',');
  const onlyMod = process.env.CELLULAR_MODULATIONS?.split(',');
  const rows: BenchRow[] = [];
  for (const ch of channelList()) {
    if (only && !only.includes(ch.name)) continue;
    const needs = chainNeedsCodecs(ch.spec);
    for (const m of MODULATIONS) {
      if (onlyMod && !onlyMod.includes(m)) continue;
      if (needs && !codecs.create) {
        rows.push(row(m, ch.name, 'dialtone', calls, null, `not measured: ${codecs.reason}`));
        rows.push(row(m, ch.name, 'spandsp', calls, null, `not measured: ${codecs.reason}`));
        continue;
      }
      const create: CodecFactory = codecs.create ?? (() => { throw new Error(codecs.reason); }); // chains without codecs never call it
      const started = Date.now();
      try {
        rows.push(row(m, ch.name, 'dialtone', calls, await runCalls(calls, (i) => channelsFor(ch.spec, 1000 + 97 * i, create), (c, i) => dialtoneCall(m, c, bytesPerCall, 11 + i))));
        if (spandspHas(m)) rows.push(row(m, ch.name, 'spandsp', calls, await runCalls(calls, (i) => channelsFor(ch.spec, 1000 + 97 * i, create), (c, i) => spandspCall(m, c, bytesPerCall, 11 + i))));
        else rows.push(row(m, ch.name, 'spandsp', calls, null, 'spandsp 0.0.6 has no Bell 212A modem'));
      } catch (err) {
        // A chain that cannot be built (a codec binding missing or failing): the cell is not measured, the run goes on.
        const note = `not measured: ${(err as Error).message.split('\n')[0]}`;
        while (rows.length && rows[rows.length - 1].modulation === m && rows[rows.length - 1].channel === ch.name) rows.pop();
        rows.push(row(m, ch.name, 'dialtone', calls, null, note), row(m, ch.name, 'spandsp', calls, null, note));
      }
      const d = rows[rows.length - 2];
      const s = rows[rows.length - 1];
      process.stderr.write(
        `bench: cellular ${m} ${ch.name}: dialtone ${d.connects}/${calls} ber ${d.ber ?? '-'}, spandsp ${s.connects ?? '-'}/${calls} ber ${s.ber ?? '-'} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`,
      );
    }
  }
  return rows;
};

export default cellular;
