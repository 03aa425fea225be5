/**
 * Writes config/schema.json from config/schema.ts (`npm run config:schema`); with --check, exits 1 if the committed
 * file differs instead. The loader and editors read the JSON; test/config/schema.test.ts checks it is up to date.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { CONFIG_SCHEMA } from '../config/schema.ts';

export const SCHEMA_JSON = resolve(import.meta.dirname, '../config/schema.json');

const FIRST = ['$schema', '$id', 'title', 'description', 'type'];

/** A schema's keys in reading order (what it is, then its constraints, definitions last); keys of a property map kept. */
function readingOrder(this: unknown, key: string, value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || key === 'properties' || key === 'definitions') return value;
  const rank = (k: string): number => (FIRST.includes(k) ? FIRST.indexOf(k) - FIRST.length : k === 'definitions' ? 1 : 0);
  return Object.fromEntries(Object.entries(value).sort(([a], [b]) => rank(a) - rank(b)));
}

/** The schema as config/schema.json holds it: plain JSON (TypeBox's symbol keys dropped), formatted by prettier. */
export async function schemaJson(): Promise<string> {
  return format(JSON.stringify(CONFIG_SCHEMA, readingOrder), { ...(await resolveConfig(SCHEMA_JSON)), filepath: SCHEMA_JSON });
}

if (process.argv[1] === import.meta.filename) {
  const text = await schemaJson();
  if (process.argv.includes('--check')) {
    if (readFileSync(SCHEMA_JSON, 'utf8') !== text) {
      console.error('config/schema.json is out of date: run npm run config:schema');
      process.exit(1);
    }
  } else writeFileSync(SCHEMA_JSON, text);
}
