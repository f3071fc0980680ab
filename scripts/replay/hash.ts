/**
 * The state hash of a replay: SHA-256 over a canonical serialisation of the rebuilt models —
 * object keys sorted by code point at every level, arrays in their (already canonical) order —
 * so identical logs give identical hashes, whatever order the fold built the maps in.
 */
import { createHash, type Hash } from 'node:crypto';
import { compareCodePoints } from '../../projections/store/keys.js';

/** text is handed to the hash in chunks of about this many characters, never as one giant string */
const CHUNK_CHARS = 1 << 16;

/** Appends canonical JSON to a buffer that drains into `sink` whenever it grows past a chunk. */
class CanonicalWriter {
  text = '';

  constructor(private readonly sink: ((chunk: string) => void) | null) {}

  value(value: unknown): void {
    if (value === null || typeof value !== 'object') {
      this.text += JSON.stringify(value);
    } else if (Array.isArray(value)) {
      this.text += '[';
      for (let i = 0; i < value.length; i++) {
        if (i > 0) this.text += ',';
        this.value(value[i]);
      }
      this.text += ']';
    } else {
      const record = value as Record<string, unknown>;
      const keys = sortedKeys(record);
      this.text += '{';
      for (let i = 0; i < keys.length; i++) {
        if (i > 0) this.text += ',';
        this.text += JSON.stringify(keys[i]);
        this.text += ':';
        this.value(record[keys[i]!]);
      }
      this.text += '}';
    }
    if (this.sink !== null && this.text.length >= CHUNK_CHARS) this.drain();
  }

  drain(): void {
    if (this.text.length > 0) this.sink?.(this.text);
    this.text = '';
  }
}

/** the keys in code point order; the exported models mostly are already, so check before sorting */
function sortedKeys(record: Record<string, unknown>): string[] {
  const keys = Object.keys(record);
  for (let i = 1; i < keys.length; i++) {
    if (compareCodePoints(keys[i - 1]!, keys[i]!) > 0) return keys.sort(compareCodePoints);
  }
  return keys;
}

export function canonicalJson(value: unknown): string {
  const writer = new CanonicalWriter(null);
  writer.value(value);
  return writer.text;
}

export function stateHash(models: Record<string, unknown>): string {
  const hash: Hash = createHash('sha256');
  // streamed in chunks, so a large model is never one giant string
  const writer = new CanonicalWriter((chunk) => hash.update(chunk));
  for (const name of Object.keys(models).sort(compareCodePoints)) {
    writer.text += JSON.stringify(name);
    writer.value(models[name]);
    writer.drain();
  }
  return hash.digest('hex');
}
