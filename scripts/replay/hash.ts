/**
 * The state hash of a replay: SHA-256 over a canonical serialisation of the rebuilt models —
 * object keys sorted by code point at every level, arrays in their (already canonical) order —
 * so identical logs give identical hashes, whatever order the fold built the maps in.
 */
import { createHash, type Hash } from 'node:crypto';
import { compareCodePoints, sortByCodePoints } from '../../projections/store/keys.js';
import type { StoredValue } from '../../projections/store/memory.js';

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
    } else if (!this.dumpValue(value as Record<string, unknown>)) {
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

  /**
   * A read-model dump value (almost all of a replay's models) written with one JSON.stringify per
   * hash and per member instead of per token. Only exact shapes take this path — keys as the
   * dump has them, strings where strings belong, hash fields already in code point order — so
   * the text is the same as the generic walk's; false leaves anything else to it.
   */
  private dumpValue(record: Record<string, unknown>): boolean {
    switch (record.type) {
      case 'hash': {
        const fields = record.fields;
        if (!hasKeys(record, 'fields') || !isPlainRecord(fields) || !isCanonicalStringRecord(fields)) return false;
        this.text += `{"fields":${JSON.stringify(fields)},"type":"hash"}`;
        return true;
      }
      case 'zset': {
        const entries = record.entries;
        if (!hasKeys(record, 'entries') || !Array.isArray(entries) || !entries.every(isZEntry)) return false;
        this.text += '{"entries":[';
        for (let i = 0; i < entries.length; i++) {
          const entry = entries[i] as { member: string; score: number };
          if (i > 0) this.text += ',';
          this.text += `{"member":${JSON.stringify(entry.member)},"score":${JSON.stringify(entry.score)}}`;
          if (this.sink !== null && this.text.length >= CHUNK_CHARS) this.drain();
        }
        this.text += '],"type":"zset"}';
        return true;
      }
      case 'set': {
        const members = record.members;
        if (!hasKeys(record, 'members') || !Array.isArray(members) || !members.every((m) => typeof m === 'string')) return false;
        this.text += `{"members":${JSON.stringify(members)},"type":"set"}`;
        return true;
      }
      case 'string':
        if (!hasKeys(record, 'value') || typeof record.value !== 'string') return false;
        this.text += `{"type":"string","value":${JSON.stringify(record.value)}}`;
        return true;
      default:
        return false;
    }
  }

  /**
   * A value as the memory store holds it, written as the canonical JSON of its dump (what
   * exportVersion gives for it) without making the dump: fields and members in code point
   * order, entries in the set's order.
   */
  stored(value: StoredValue): void {
    switch (value.type) {
      case 'string':
        this.text += `{"type":"string","value":${JSON.stringify(value.value)}}`;
        return;
      case 'hash': {
        const names = sortedFieldNames(value.fields);
        this.text += '{"fields":{';
        for (let i = 0; i < names.length; i++) {
          this.text += names.prefixes[i]!;
          this.text += JSON.stringify(value.fields.get(names.sorted[i]!)!);
        }
        this.text += '},"type":"hash"}';
        return;
      }
      case 'zset': {
        const entries = value.set.inOrder();
        this.text += '{"entries":[';
        for (let i = 0; i < entries.length; i++) {
          const entry = entries[i]!;
          this.text += i === 0 ? '{"member":' : ',{"member":';
          this.text += JSON.stringify(entry.member);
          this.text += ',"score":';
          this.text += JSON.stringify(entry.score);
          this.text += '}';
          if (this.sink !== null && this.text.length >= CHUNK_CHARS) this.drain();
        }
        this.text += '],"type":"zset"}';
        return;
      }
      case 'set': {
        const members = sortByCodePoints([...value.members]);
        this.text += '{"members":[';
        for (let i = 0; i < members.length; i++) {
          if (i > 0) this.text += ',';
          this.text += JSON.stringify(members[i]!);
        }
        this.text += '],"type":"set"}';
        return;
      }
    }
  }

  drain(): void {
    if (this.text.length > 0) this.sink?.(this.text);
    this.text = '';
  }
}

interface FieldNames {
  length: number;
  sorted: string[];
  /** per sorted field: its JSON and a colon, after a comma but the first */
  prefixes: string[];
}

let lastFieldNames: { given: string[]; names: FieldNames } = { given: [], names: { length: 0, sorted: [], prefixes: [] } };

/** A hash's field names in code point order; hashes of one model mostly share one field list, which is sorted once. */
function sortedFieldNames(fields: ReadonlyMap<string, string>): FieldNames {
  const given = [...fields.keys()];
  const last = lastFieldNames;
  if (given.length === last.given.length) {
    let same = true;
    for (let i = 0; i < given.length && same; i++) same = given[i] === last.given[i];
    if (same) return last.names;
  }
  const sorted = sortByCodePoints([...given]);
  const names = { length: sorted.length, sorted, prefixes: sorted.map((f, i) => `${i > 0 ? ',' : ''}${JSON.stringify(f)}:`) };
  lastFieldNames = { given, names };
  return names;
}

/** own `type` and `key`, and no other enumerable own key */
function hasKeys(record: Record<string, unknown>, key: string): boolean {
  if (!Object.hasOwn(record, 'type') || !Object.hasOwn(record, key)) return false;
  let n = 0;
  for (const k in record) if (Object.hasOwn(record, k)) n += 1;
  return n === 2;
}

function isPlainRecord(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** string values only, keys (in enumeration order, which JSON.stringify also uses) in code point order */
function isCanonicalStringRecord(record: Record<string, unknown>): boolean {
  const keys = Object.keys(record);
  for (let i = 0; i < keys.length; i++) {
    if (typeof record[keys[i]!] !== 'string') return false;
    if (i > 0 && compareCodePoints(keys[i - 1]!, keys[i]!) > 0) return false;
  }
  return true;
}

function isZEntry(value: unknown): boolean {
  if (!isPlainRecord(value) || typeof value.member !== 'string' || !Number.isFinite(value.score) || !Object.hasOwn(value, 'member') || !Object.hasOwn(value, 'score')) return false;
  let n = 0;
  for (const k in value) if (Object.hasOwn(value, k)) n += 1;
  return n === 2;
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

/**
 * stateHash built model by model, each given as its keys in code point order with their values
 * (as a store exports them, one at a time): the same bytes as stateHash over the whole export.
 */
export class StateHasher {
  private readonly hash: Hash = createHash('sha256');
  private readonly writer = new CanonicalWriter((chunk) => this.hash.update(chunk));
  private last: string | null = null;

  /** the next model as the memory store holds it (storedEntries): the same bytes as model() over its export */
  storedModel(name: string, entries: Iterable<[string, StoredValue]>): void {
    this.model(name, entries, true);
  }

  /** the next model: names come in code point order, a model's keys too */
  model(name: string, entries: Iterable<[string, unknown]>, stored = false): void {
    this.nextName(name);
    writeModel(this.writer, name, entries, stored);
    this.writer.drain();
  }

  /** the next model, as renderStoredModel wrote it ahead of its turn */
  renderedModel(name: string, text: RenderedModel): void {
    if (text.name !== name) throw new RangeError(`the text of model ${JSON.stringify(text.name)} given as ${JSON.stringify(name)}`);
    this.nextName(name);
    for (const chunk of text.chunks) this.hash.update(chunk);
  }

  digest(): string {
    return this.hash.digest('hex');
  }

  private nextName(name: string): void {
    if (this.last !== null && compareCodePoints(this.last, name) >= 0) throw new RangeError(`model ${JSON.stringify(name)} after ${JSON.stringify(this.last)}: names must come in code point order`);
    this.last = name;
  }
}

/** a model's part of the hashed text, written before its turn (a thread hashes what it has while another still folds) */
export interface RenderedModel {
  name: string;
  chunks: string[];
}

/** the text StateHasher.storedModel hashes for this model */
export function renderStoredModel(name: string, entries: Iterable<[string, StoredValue]>): RenderedModel {
  const chunks: string[] = [];
  const writer = new CanonicalWriter((chunk) => chunks.push(chunk));
  writeModel(writer, name, entries, true);
  writer.drain();
  return { name, chunks };
}

function writeModel(writer: CanonicalWriter, name: string, entries: Iterable<[string, unknown]>, stored: boolean): void {
  writer.text += JSON.stringify(name);
  writer.text += '{';
  let previous: string | null = null;
  for (const [key, value] of entries) {
    // an order the canonical form does not have would give another hash, silently
    if (previous !== null && compareCodePoints(previous, key) >= 0) throw new RangeError(`key ${JSON.stringify(key)} of model ${name} after ${JSON.stringify(previous)}: keys must come in code point order`);
    if (previous !== null) writer.text += ',';
    previous = key;
    writer.text += JSON.stringify(key);
    writer.text += ':';
    if (stored) writer.stored(value as StoredValue);
    else writer.value(value);
  }
  writer.text += '}';
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
