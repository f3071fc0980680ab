import { performance } from 'node:perf_hooks';
import type { MessagePort } from 'node:worker_threads';
import { EventStoreError, StreamNotFound, WrongExpectedVersion } from '../../eventstore/errors.js';
import {
  ANY,
  NO_STREAM,
  type AllSubscription,
  type AppendResult,
  type EventData,
  type EventStore,
  type ExpectedRevision,
  type Position,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type SubscribeToAllOptions,
  type SubscriptionMessage,
} from '../../eventstore/port.js';
import { serializedEvent, serializedPayloadOf, validateAppend } from '../../eventstore/validating.js';

/**
 * The EventStore port across a MessagePort, so the workflow runner can run in a worker thread
 * while the thread that owns the embedded store keeps writing it (DESIGN §1: same parts, one
 * process, two cores). Messages on one port are delivered in order, so appends reach the store
 * in the order the runner issued them — what its same-stream pipelining relies on.
 *
 * Appends are validated and serialised on the calling side (its CPU), shipped as JSON text and
 * appended by the owner without a second validation; subscriptions are credit-based, so a slow
 * consumer makes the owner's subscription fall back to reading the log, never buffer without end.
 */

/**
 * Appends travel as one string per batch: structured-cloning thousands of small strings costs
 * the sender more than the appends' own serialisation. Fields are separated by U+0001, which
 * none of them can hold: stream names, ids and types are validated, and JSON text escapes every
 * control character. Per append: request, stream, expected revision, event count, then per
 * event id, type, data JSON, metadata JSON.
 */
const SEP = '\u0001';

function encodeExpected(expected: ExpectedRevision): string {
  return typeof expected === 'number' ? String(expected) : expected;
}

function decodeExpected(text: string): ExpectedRevision {
  return text === NO_STREAM || text === ANY ? text : Number(text);
}
export interface WireError {
  name: string;
  message: string;
  stream?: string;
  expected?: string | number;
  actual?: string | number;
}

export type ToOwner =
  | { t: 'append'; appends: string }
  | { t: 'read'; request: number; stream: string; options?: ReadStreamOptions }
  | { t: 'head'; request: number }
  | { t: 'subscribe'; subscription: number; options: SubscribeToAllOptions }
  | { t: 'ack'; subscription: number; count: number }
  | { t: 'unsubscribe'; subscription: number };

export type FromOwner =
  /** `done`: request, next revision, position per successful append (SEP-separated) */
  | { t: 'appended'; done: string; failed: Array<[request: number, error: WireError]> }
  | { t: 'reply'; request: number; value: unknown; error: WireError | null }
  | { t: 'messages'; subscription: number; messages: SubscriptionMessage[] }
  | { t: 'ended'; subscription: number; error: WireError | null };

/** Events a subscription may have sent and not yet seen acknowledged. */
const CREDIT = 4096;
/** The consumer acknowledges after this many. */
const ACK_EVERY = 512;
/** Appends sent in one message at most (more wait for the next turn). */
const APPEND_BATCH = 512;
/**
 * A message costs its sender a fixed price (a wake-up of the other thread) worth dozens of
 * appends, so batches leave at most this often; the owner's group commit and fsync take longer.
 */
const APPEND_FLUSH_INTERVAL_MS = 0.5;

export function toWire(error: unknown): WireError {
  const e = error as Error & { stream?: string; expected?: string | number; actual?: string | number };
  return { name: e?.name ?? 'Error', message: e?.message ?? String(error), stream: e?.stream, expected: e?.expected, actual: e?.actual };
}

/** The store's own error types come back as themselves: the runner tells races from failures by class. */
export function fromWire(error: WireError): Error {
  if (error.name === 'WrongExpectedVersion') return new WrongExpectedVersion(error.stream!, error.expected!, error.actual!);
  if (error.name === 'StreamNotFound') return new StreamNotFound(error.stream!);
  const rebuilt = new EventStoreError(error.message);
  rebuilt.name = error.name;
  return rebuilt;
}

/**
 * The owner's side: answers one port with `store`. Returns a function that stops serving
 * (closes the subscriptions it opened).
 */
export function serveStore(port: MessagePort, store: EventStore): () => Promise<void> {
  const subscriptions = new Map<number, { subscription: AllSubscription; unacked: number; resume?: () => void }>();
  let done: string[] = [];
  let failed: Array<[number, WireError]> = [];
  let flushScheduled = false;
  const flush = () => {
    flushScheduled = false;
    const message: FromOwner = { t: 'appended', done: done.join(SEP), failed };
    done = [];
    failed = [];
    port.postMessage(message);
  };
  const answered = (request: number, result: AppendResult | null, error: WireError | null) => {
    if (result) done.push(String(request), String(result.nextRevision), result.position);
    else failed.push([request, error!]);
    if (!flushScheduled) {
      flushScheduled = true;
      setImmediate(flush);
    }
  };
  const reply = (request: number, work: Promise<unknown>) =>
    work.then(
      (value) => port.postMessage({ t: 'reply', request, value, error: null } satisfies FromOwner),
      (error: unknown) => port.postMessage({ t: 'reply', request, value: null, error: toWire(error) } satisfies FromOwner),
    );

  const pump = async (id: number, options: SubscribeToAllOptions) => {
    let subscription: AllSubscription;
    try {
      subscription = store.subscribeToAll(options);
    } catch (error) {
      // a closed or failed store refuses at once: the runner must hear it (and retry), not wait forever
      port.postMessage({ t: 'ended', subscription: id, error: toWire(error) } satisfies FromOwner);
      return;
    }
    const entry = { subscription, unacked: 0, resume: undefined as (() => void) | undefined };
    subscriptions.set(id, entry);
    let pending: SubscriptionMessage[] = [];
    let scheduled = false;
    const send = () => {
      scheduled = false;
      if (pending.length === 0) return;
      const messages = pending;
      pending = [];
      port.postMessage({ t: 'messages', subscription: id, messages } satisfies FromOwner);
    };
    try {
      for await (const message of entry.subscription) {
        pending.push(message);
        entry.unacked += 1;
        if (!scheduled) {
          scheduled = true;
          setImmediate(send);
        }
        if (entry.unacked >= CREDIT) {
          send();
          await new Promise<void>((resolve) => (entry.resume = resolve));
        }
      }
      send();
      if (subscriptions.has(id)) port.postMessage({ t: 'ended', subscription: id, error: null } satisfies FromOwner);
    } catch (error) {
      send();
      if (subscriptions.has(id)) port.postMessage({ t: 'ended', subscription: id, error: toWire(error) } satisfies FromOwner);
    } finally {
      subscriptions.delete(id);
    }
  };

  port.on('message', (message: ToOwner) => {
    switch (message.t) {
      case 'append':
        // synchronously and in order: the store checks revisions in call order
        for (let f = message.appends.split(SEP), at = 0; at < f.length; ) {
          const request = Number(f[at]);
          const stream = f[at + 1]!;
          const expected = decodeExpected(f[at + 2]!);
          const count = Number(f[at + 3]);
          at += 4;
          const events: EventData[] = new Array(count);
          for (let i = 0; i < count; i++, at += 4) events[i] = serializedEvent(f[at]!, f[at + 1]!, { data: f[at + 2]!, metadata: f[at + 3]! });
          store.append(stream, events, expected).then(
            (result) => answered(request, result, null),
            (error: unknown) => answered(request, null, toWire(error)),
          );
        }
        return;
      case 'read':
        void reply(message.request, store.readStream(message.stream, message.options));
        return;
      case 'head':
        void reply(message.request, store.headPosition());
        return;
      case 'subscribe':
        void pump(message.subscription, message.options);
        return;
      case 'ack': {
        const entry = subscriptions.get(message.subscription);
        if (!entry) return;
        entry.unacked -= message.count;
        if (entry.unacked < CREDIT / 2 && entry.resume) {
          const resume = entry.resume;
          entry.resume = undefined;
          resume();
        }
        return;
      }
      case 'unsubscribe': {
        const entry = subscriptions.get(message.subscription);
        subscriptions.delete(message.subscription);
        entry?.resume?.();
        void entry?.subscription.close();
        return;
      }
    }
  });
  return async () => {
    const open = [...subscriptions.values()];
    subscriptions.clear();
    for (const entry of open) {
      entry.resume?.();
      await entry.subscription.close();
    }
  };
}

/** The caller's side: an EventStore whose work is done by the thread at the other end of `port`. */
export class PortEventStore implements EventStore {
  private nextRequest = 1;
  private readonly waiting = new Map<number, { resolve(value: any): void; reject(error: Error): void }>();
  private readonly subscriptions = new Map<number, PortSubscription>();
  private outgoing: string[] = [];
  private outgoingAppends = 0;
  private flushScheduled = false;

  constructor(private readonly port: MessagePort) {
    port.on('message', (message: FromOwner) => this.receive(message));
  }

  private receive(message: FromOwner): void {
    switch (message.t) {
      case 'appended':
        if (message.done.length > 0) {
          const f = message.done.split(SEP);
          for (let at = 0; at < f.length; at += 3) this.settle(Number(f[at]), { nextRevision: Number(f[at + 1]), position: f[at + 2]! }, null);
        }
        for (const [request, error] of message.failed) this.settle(request, null, error);
        return;
      case 'reply':
        this.settle(message.request, message.value, message.error);
        return;
      case 'messages':
        this.subscriptions.get(message.subscription)?.deliver(message.messages);
        return;
      case 'ended':
        this.subscriptions.get(message.subscription)?.end(message.error ? fromWire(message.error) : null);
        return;
    }
  }

  private settle(request: number, value: unknown, error: WireError | null): void {
    const waiter = this.waiting.get(request);
    if (!waiter) return;
    this.waiting.delete(request);
    if (error) waiter.reject(fromWire(error));
    else waiter.resolve(value);
  }

  private request<T>(send: (request: number) => void): Promise<T> {
    const request = this.nextRequest++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(request, { resolve, reject });
      send(request);
    });
  }

  append(stream: string, events: EventData[], expectedRevision: ExpectedRevision): Promise<AppendResult> {
    try {
      validateAppend(stream, events, expectedRevision);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.request<AppendResult>((request) => {
      const out = this.outgoing;
      out.push(String(request), stream, encodeExpected(expectedRevision), String(events.length));
      for (const event of events) {
        const payload = serializedPayloadOf(event)!;
        out.push(event.id, event.type, payload.data, payload.metadata);
      }
      if (++this.outgoingAppends >= APPEND_BATCH) this.flushAppends();
      else if (!this.flushScheduled) {
        this.flushScheduled = true;
        const wait = this.lastFlush + APPEND_FLUSH_INTERVAL_MS - performance.now();
        if (wait <= 0) setImmediate(this.flushLater);
        else setTimeout(this.flushLater, wait);
      }
    });
  }

  private readonly flushLater = () => this.flushAppends();
  private lastFlush = 0;

  private flushAppends(): void {
    this.flushScheduled = false;
    if (this.outgoing.length === 0) return;
    this.lastFlush = performance.now();
    const appends = this.outgoing.join(SEP);
    this.outgoing = [];
    this.outgoingAppends = 0;
    this.port.postMessage({ t: 'append', appends } satisfies ToOwner);
  }

  readStream(stream: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    // after the appends issued before it, as a same-thread store would see them
    this.flushAppends();
    return this.request((request) => this.port.postMessage({ t: 'read', request, stream, options } satisfies ToOwner));
  }

  headPosition(): Promise<Position> {
    this.flushAppends();
    return this.request((request) => this.port.postMessage({ t: 'head', request } satisfies ToOwner));
  }

  readAll(_options?: ReadAllOptions): AsyncIterable<RecordedEvent> {
    throw new Error('readAll is not offered across threads (the workflow runner does not use it)');
  }

  subscribeToAll(options: SubscribeToAllOptions = {}): AllSubscription {
    const id = this.nextRequest++;
    const subscription = new PortSubscription(
      (count) => this.port.postMessage({ t: 'ack', subscription: id, count } satisfies ToOwner),
      () => {
        this.subscriptions.delete(id);
        this.port.postMessage({ t: 'unsubscribe', subscription: id } satisfies ToOwner);
      },
    );
    this.subscriptions.set(id, subscription);
    this.flushAppends();
    this.port.postMessage({ t: 'subscribe', subscription: id, options } satisfies ToOwner);
    return subscription;
  }

  async close(): Promise<void> {
    this.flushAppends();
    for (const subscription of [...this.subscriptions.values()]) await subscription.close();
  }
}

class PortSubscription implements AllSubscription, AsyncIterator<SubscriptionMessage> {
  private buffer: SubscriptionMessage[] = [];
  private head = 0;
  private consumed = 0;
  private closed = false;
  private failure: Error | null = null;
  private ended = false;
  private wake: (() => void) | undefined;

  constructor(
    private readonly ack: (count: number) => void,
    private readonly onClose: () => void,
  ) {}

  [Symbol.asyncIterator](): AsyncIterator<SubscriptionMessage> {
    return this;
  }

  deliver(messages: SubscriptionMessage[]): void {
    if (this.closed) return;
    if (this.head === this.buffer.length) {
      this.buffer = messages;
      this.head = 0;
    } else for (const message of messages) this.buffer.push(message);
    this.signal();
  }

  end(error: Error | null): void {
    this.ended = true;
    this.failure = error;
    this.signal();
  }

  private signal(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  async next(): Promise<IteratorResult<SubscriptionMessage>> {
    for (;;) {
      if (this.closed) return { done: true, value: undefined };
      if (this.head < this.buffer.length) {
        const value = this.buffer[this.head++]!;
        if (++this.consumed >= ACK_EVERY) {
          this.ack(this.consumed);
          this.consumed = 0;
        }
        return { done: false, value };
      }
      if (this.consumed > 0) {
        this.ack(this.consumed);
        this.consumed = 0;
      }
      if (this.ended) {
        if (this.failure) throw this.failure;
        return { done: true, value: undefined };
      }
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  async return(): Promise<IteratorResult<SubscriptionMessage>> {
    await this.close();
    return { done: true, value: undefined };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.buffer = [];
    this.head = 0;
    this.onClose();
    this.signal();
  }
}
