/**
 * The state hash of a replay: SHA-256 over a canonical serialisation of the rebuilt models —
 * object keys sorted by code point at every level, arrays in their (already canonical) order —
 * so identical logs give identical hashes, whatever order the fold built the maps in.
 */
import { createHash } from 'node:crypto';
import { compareCodePoints } from '../../projections/store/keys.js';

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const keys = Object.keys(value).sort(compareCodePoints);
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
}

export function stateHash(models: Record<string, unknown>): string {
  const hash = createHash('sha256');
  // streamed per projection, so a large model is never one giant string
  for (const name of Object.keys(models).sort(compareCodePoints)) {
    hash.update(JSON.stringify(name));
    hash.update(canonicalJson(models[name]));
  }
  return hash.digest('hex');
}
