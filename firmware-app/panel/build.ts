/**
 * The panel's page is TypeScript (firmware-app/panel/client/), bundled by esbuild in the daemon when the page is
 * first asked for (not at start-up: a daemon nobody looks at never spends the time): one script, one style sheet and
 * the HTML, served from memory. No CDN and no network: it works on a Pi offline. Bundling takes a fraction of a
 * second; a failure is logged and answered with 500, and the daemon runs on.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export const CLIENT_DIR = join(dirname(fileURLToPath(import.meta.url)), 'client');

export interface PanelAssets {
  html: string;
  js: string;
  css: string;
}

export async function buildPanelAssets(): Promise<PanelAssets> {
  const result = await build({
    entryPoints: [join(CLIENT_DIR, 'main.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    target: 'es2020',
    minify: true,
    legalComments: 'none',
    logLevel: 'silent',
  });
  return {
    html: readFileSync(join(CLIENT_DIR, 'index.html'), 'utf8'),
    js: result.outputFiles[0].text,
    css: readFileSync(join(CLIENT_DIR, 'style.css'), 'utf8'),
  };
}

/** The assets, built once on first use (concurrent first requests share the one build). */
export function lazyAssets(): () => Promise<PanelAssets> {
  let pending: Promise<PanelAssets> | null = null;
  return () => {
    pending ??= buildPanelAssets().catch((err: unknown) => {
      pending = null; // try again on the next request
      throw err;
    });
    return pending;
  };
}
