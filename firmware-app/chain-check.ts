/**
 * Start-up and `dialtone config check` for the exchange's channel chains (issue 19): the chain and preset keys
 * parse (config/chain.ts names the bad key), and every reference codec a configured chain names can be opened
 * now — a missing library is reported with its Debian package before the daemon starts, not in a call.
 */
import { ChainConfigError, chainElements, keyPath, resolveExchangeChains, type ChainSpec } from '../config/chain.ts';
import type { DialtoneConfig } from '../config/schema.ts';
import { createCodecStage, CodecUnavailableError } from '../hal/codecs/index.ts';
import { codecSpecOf } from '../hal/line/channel-chain.ts';

export interface ChainIssue {
  path: string[];
  found: string;
  expected: string;
  key?: string;
}

/** Opens (and closes) one stage of each codec `spec` names; the problem, if any, as an issue at `path`. */
function probeCodecs(spec: ChainSpec, path: string[]): ChainIssue[] {
  const out: ChainIssue[] = [];
  const seen = new Set<string>();
  for (const e of chainElements(spec)) {
    const codec = codecSpecOf(e, 1);
    if (!codec || seen.has(codec.codec)) continue;
    seen.add(codec.codec);
    try {
      createCodecStage(codec).close();
    } catch (err) {
      if (err instanceof CodecUnavailableError) {
        out.push({ path, found: `${e.kind}, whose library ${err.library} cannot be loaded`, expected: `the Debian package ${err.debianPackage} installed (apt-get install ${err.debianPackage})` });
      } else out.push({ path, found: `${e.kind}, which fails to start: ${(err as Error).message}`, expected: 'a codec whose binding works (see docs/cellular.md)' });
    }
  }
  return out;
}

/** The chains of `cfg.exchange`, checked; the codecs probed when the simulated exchange is the line. */
export function chainIssues(cfg: DialtoneConfig): ChainIssue[] {
  let chains: ReturnType<typeof resolveExchangeChains>;
  try {
    chains = resolveExchangeChains(cfg.exchange);
  } catch (err) {
    if (!(err instanceof ChainConfigError)) throw err;
    return [{ path: keyPath(err.key).map(String), key: err.key, found: err.found, expected: err.expected }];
  }
  if (cfg.line.backend !== 'simulated') return [];
  const out: ChainIssue[] = [];
  if (chains.line) out.push(...probeCodecs(chains.line, ['exchange', 'line', cfg.exchange.line.chain !== undefined ? 'chain' : 'preset']));
  for (const [number, spec] of Object.entries(chains.numbers)) out.push(...probeCodecs(spec, ['exchange', 'numbers', number, 'preset']));
  return out;
}
