import { EventTooLarge, InvalidEventData } from './errors.js';
import type { EventData, EventStore, ExpectedRevision, ReadStreamOptions } from './port.js';
import { ANY, NO_STREAM } from './port.js';
import { assertValidStreamName } from './streams.js';

/** Like EventStoreDB's default max append size; applies to one event's data + metadata. */
export const MAX_EVENT_BYTES = 1024 * 1024;
/** Bound on one append so a batch can never starve the group commit of its peers. */
export const MAX_APPEND_BYTES = 16 * 1024 * 1024;
export const MAX_EVENTS_PER_APPEND = 10_000;
export const MAX_EVENT_TYPE_LENGTH = 200;
/** Deeper payloads are rejected; it also stops cyclic objects. */
const MAX_JSON_DEPTH = 64;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EVENT_TYPE = /^[A-Za-z$][A-Za-z0-9_.$:\-]*$/;

export interface SerializedPayload {
  data: string;
  metadata: string;
}

/**
 * The JSON text produced while validating, keyed by the event object, so the adapter that runs
 * right after (synchronously, in the same append call) need not serialise it a second time.
 */
const serialized = new WeakMap<EventData, SerializedPayload>();

export function serializedPayloadOf(event: EventData): SerializedPayload | undefined {
  return serialized.get(event);
}

/** Events whose payload another thread validated and serialised (validateAppend ran there). */
const trusted = new WeakSet<EventData>();

/**
 * An event validated and serialised by validateAppend elsewhere (the workflow runner's thread):
 * its JSON text is appended as is, so the owner of the store does not walk and stringify it again.
 * `data` and `metadata` are parsed only if an adapter asks for them.
 */
export function serializedEvent(id: string, type: string, payload: SerializedPayload): EventData {
  let data: Record<string, unknown> | undefined;
  let metadata: EventData['metadata'] | undefined;
  const event: EventData = {
    id,
    type,
    get data() {
      return (data ??= JSON.parse(payload.data) as Record<string, unknown>);
    },
    get metadata() {
      return (metadata ??= JSON.parse(payload.metadata) as EventData['metadata']);
    },
  };
  serialized.set(event, payload);
  trusted.add(event);
  return event;
}

function assertJsonValue(value: unknown, depth: number, path: string): void {
  if (value === null) return;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return;
    case 'number':
      if (!Number.isFinite(value)) throw new InvalidEventData(`${path} is not a finite number`);
      return;
    case 'object': {
      if (depth >= MAX_JSON_DEPTH) throw new InvalidEventData(`${path} is nested deeper than ${MAX_JSON_DEPTH} (or cyclic)`);
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) assertJsonValue(value[i], depth + 1, `${path}[${i}]`);
        return;
      }
      const proto = Object.getPrototypeOf(value) as unknown;
      if (proto !== Object.prototype && proto !== null) throw new InvalidEventData(`${path} is not a plain object`);
      for (const [key, child] of Object.entries(value)) {
        // JSON drops undefined properties, as every EventStoreDB client does; optional fields stay optional.
        if (child !== undefined) assertJsonValue(child, depth + 1, `${path}.${key}`);
      }
      return;
    }
    default:
      throw new InvalidEventData(`${path} is a ${typeof value}, not JSON`);
  }
}

/**
 * The same judgement as assertJsonValue without building a path per property (most of the
 * validation's cost on every append); only a rejected payload is walked again for its message.
 */
function isJsonValue(value: unknown, depth: number): boolean {
  if (value === null) return true;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value);
    case 'object': {
      if (depth >= MAX_JSON_DEPTH) return false;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) if (!isJsonValue(value[i], depth + 1)) return false;
        return true;
      }
      const proto = Object.getPrototypeOf(value) as unknown;
      if (proto !== Object.prototype && proto !== null) return false;
      // for-in allocates no key array; the prototype is Object.prototype or null (checked
      // above), whose properties are not enumerable, so it visits exactly the own keys
      for (const key in value) {
        const child = (value as Record<string, unknown>)[key];
        if (child !== undefined && !isJsonValue(child, depth + 1)) return false;
      }
      return true;
    }
    default:
      return false;
  }
}

function assertPlainObject(value: unknown, path: string): asserts value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InvalidEventData(`${path} must be a JSON object`);
  if (isJsonValue(value, 0)) return;
  assertJsonValue(value, 0, path);
  // only reachable if a getter answered differently the second time
  throw new InvalidEventData(`${path} is not JSON`);
}

/**
 * Checks one append the same way for every adapter (DESIGN §3.4); throws the typed error of the
 * first problem found, in this precedence: stream name, event count, per event (id, type, data,
 * metadata, size), total size.
 */
export function validateAppend(stream: string, events: readonly EventData[], expectedRevision: ExpectedRevision): void {
  assertValidStreamName(stream);
  if (!(expectedRevision === NO_STREAM || expectedRevision === ANY || (Number.isSafeInteger(expectedRevision) && expectedRevision >= 0))) {
    throw new InvalidEventData(`invalid expected revision ${String(expectedRevision)}`);
  }
  if (!Array.isArray(events) || events.length === 0) throw new InvalidEventData('an append needs at least one event');
  if (events.length > MAX_EVENTS_PER_APPEND) throw new InvalidEventData(`more than ${MAX_EVENTS_PER_APPEND} events in one append`);
  let totalBytes = 0;
  events.forEach((event, index) => {
    const where = `event ${index}`;
    if (typeof event !== 'object' || event === null) throw new InvalidEventData(`${where} is not an object`);
    if (typeof event.id !== 'string' || !UUID.test(event.id)) throw new InvalidEventData(`${where}: id must be a UUID`);
    if (typeof event.type !== 'string' || event.type.length === 0 || event.type.length > MAX_EVENT_TYPE_LENGTH || !EVENT_TYPE.test(event.type)) {
      throw new InvalidEventData(`${where}: invalid event type ${JSON.stringify(event.type)}`);
    }
    let payload = trusted.has(event) ? serialized.get(event) : undefined;
    if (!payload) {
      assertPlainObject(event.data, `${where}.data`);
      assertPlainObject(event.metadata, `${where}.metadata`);
      payload = { data: JSON.stringify(event.data), metadata: JSON.stringify(event.metadata) };
    }
    const sizeBytes = Buffer.byteLength(payload.data) + Buffer.byteLength(payload.metadata);
    if (sizeBytes > MAX_EVENT_BYTES) throw new EventTooLarge(sizeBytes, MAX_EVENT_BYTES);
    totalBytes += sizeBytes;
    serialized.set(event, payload);
  });
  if (totalBytes > MAX_APPEND_BYTES) throw new EventTooLarge(totalBytes, MAX_APPEND_BYTES);
}

function validateReadStream(stream: string, options: ReadStreamOptions | undefined): void {
  assertValidStreamName(stream);
  const from = options?.fromRevision;
  if (from !== undefined && from !== 'start' && from !== 'end' && !(Number.isSafeInteger(from) && from >= 0)) {
    throw new InvalidEventData(`invalid fromRevision ${String(from)}`);
  }
  const max = options?.maxCount;
  if (max !== undefined && !(Number.isSafeInteger(max) && max >= 0)) throw new InvalidEventData(`invalid maxCount ${String(max)}`);
}

/**
 * The store as the application uses it: every adapter behind the same input checks. Anything
 * else the adapter offers (e.g. the embedded store's stats) stays reachable, bound to the adapter.
 */
export function withValidation<S extends EventStore>(store: S): S {
  // not async: one promise per append fewer on the hottest path; a rejection stays a rejection
  const append: EventStore['append'] = (stream, events, expectedRevision) => {
    try {
      validateAppend(stream, events, expectedRevision);
    } catch (error) {
      return Promise.reject(error);
    }
    return store.append(stream, events, expectedRevision);
  };
  const readStream: EventStore['readStream'] = async (stream, options) => {
    validateReadStream(stream, options);
    return store.readStream(stream, options);
  };
  return new Proxy(store, {
    get(target, property) {
      if (property === 'append') return append;
      if (property === 'readStream') return readStream;
      const value = Reflect.get(target, property, target) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
