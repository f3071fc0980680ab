import { performance } from 'node:perf_hooks';
import { causedBy, toEventData, type CausationContext, type DomainEvent } from '../../eventstore/envelope.js';
import { StreamNotFound, WrongExpectedVersion } from '../../eventstore/errors.js';
import { NO_STREAM, START_POSITION, comparePositions, type AllSubscription, type EventStore, type Position, type RecordedEvent } from '../../eventstore/port.js';
import { asDecided, loadAggregate } from '../aggregates/load.js';
import type { SnapshotStore } from '../aggregates/snapshots.js';
import { Gate, whenAll } from './gate.js';
import type { RunnerStateStore } from './stateStore.js';

const YIELD_EVERY_MS = 2;

/** A decider as the runner drives it; states must stay plain JSON (snapshots). */
export interface AggregateKind<C = any, S = any> {
  initialState(): S;
  evolve(state: S, event: { type: string; data: unknown }): S;
  decide(command: C, state: S): DomainEvent<string, any>[];
}

/** What a workflow step sees: the event, the runner's memory, and aggregates to decide on. */
export interface StepContext<M> {
  readonly event: RecordedEvent;
  memory: M;
  /** makes sure the aggregate is cached (reads snapshot + tail on a miss) */
  load(stream: string, kind: AggregateKind): Promise<void>;
  /**
   * While live (past the first catch-up), caches the stream the event opens (revision 0) from
   * the event itself instead of reading it. If others wrote after it, the next append there
   * loses its race; the restart then catches up again and reads the stream.
   */
  adoptLive(kind: AggregateKind): void;
  /** the cached state (after load); reading it makes later appends of this step depend on it */
  state<S>(stream: string, kind: AggregateKind<unknown, S>): S;
  /** decide on the cached state, fold the events in, and queue the append (not awaited) */
  decide<E extends DomainEvent<string, any>>(stream: string, kind: AggregateKind, command: unknown): E[];
  /** the newest events of a stream, once this runner's own appends to it are durable */
  readBack(stream: string, maxCount: number): Promise<RecordedEvent[]>;
  /**
   * Pages backwards through a stream (once this runner's appends to it are durable) and returns
   * the events that `match`, newest first, stopping at the first event that `ends` the search.
   */
  findBack(stream: string, match: (event: RecordedEvent) => boolean, ends: (event: RecordedEvent) => boolean): Promise<RecordedEvent[]>;
}

export interface WorkflowHandler<M> {
  /** event types the runner subscribes to (its $all filter) */
  eventTypes: string[];
  initialMemory(): M;
  /** kind of a stream written by others, so their events can be folded into the cache */
  kindOf(stream: string): AggregateKind | undefined;
  handle(context: StepContext<M>): Promise<void>;
}

export interface WorkflowRunnerOptions<M> {
  name: string;
  store: EventStore;
  handler: WorkflowHandler<M>;
  stateStore: RunnerStateStore<M>;
  snapshots?: SnapshotStore;
  /** which streams have snapshots (default: all) */
  snapshotStreams?: (stream: string) => boolean;
  /** snapshot an aggregate every this many revisions (default 256: a load reads at most that many events; the cache serves the rest) */
  snapshotEvery?: number;
  /**
   * Consecutive appends to one stream are issued without waiting for the previous one to be
   * durable (the embedded store validates them in call order). Off for remote stores, whose
   * concurrent calls may arrive out of order.
   */
  pipelineSameStream?: boolean;
  /** streams written by others too: their appends are not pipelined (default: every stream) */
  multiWriter?: (stream: string) => boolean;
  /** back-pressure: at most this many appends issued and not yet durable (default 2048) */
  maxOutstandingAppends?: number;
  /** save the checkpoint at most this often while busy (default 200 ms) */
  checkpointIntervalMs?: number;
  cacheMaxEntries?: number;
  /** told whenever the processed position moved (a thread host mirrors the status from it) */
  onProgress?(): void;
  onError?(error: unknown, info: { name: string; consecutiveFailures: number }): void;
}

interface Cached {
  kind: AggregateKind;
  state: unknown;
  revision: number;
  snapshotRevision: number;
  /** used since eviction last passed it (second chance: a hit costs no map reordering) */
  used?: boolean;
}

const DONE = Promise.resolve();

/** Append chain of one stream: the last append issued to the store, and when it is durable. */
interface Slot {
  issued: Gate;
  durable: Gate;
}

interface Tracked<M> {
  position: Position;
  /** causation of everything the step appends (made on its first append) */
  causation: CausationContext | undefined;
  /** appends of this event not yet durable */
  remaining: number;
  done: boolean;
  memory: M | undefined;
}

/**
 * The workflow runner (DESIGN §8): ONE sequential consumer of $all from a checkpoint kept
 * outside the log. Events are handled strictly in log order on cached aggregate states; the
 * appends a step decides are queued without awaiting each fsync:
 *   - an append waits until the append before it on the same stream was issued (so the store
 *     sees expected revisions in order), and until every append of the other streams this step
 *     read was durable — so no append lands unless everything it was decided from landed, and a
 *     failure or a crash leaves a log that a redelivery completes (deciders are idempotent);
 *   - the checkpoint only moves to an event all of whose appends (and all earlier ones) are
 *     durable;
 *   - any failure stops the consumption, waits for the queued appends to settle, drops the
 *     caches and resumes from the last safe position (at-least-once).
 */
export class WorkflowRunner<M> {
  readonly name: string;
  /** @internal (Step) */ readonly cache = new Map<string, Cached>();
  /** @internal (Step) */ readonly slots = new Map<string, Slot>();
  private readonly queue: Tracked<M>[] = [];
  private queueHead = 0;
  private safe: { position: Position; memory: M };
  /** @internal (Step) */ memory: M;
  private outstanding = 0;
  private outstandingWaiters: Array<() => void> = [];
  private failure: Error | undefined;
  private subscription: AllSubscription | undefined;
  private stopping = false;
  /** @internal (Step) */ caughtUp = false;
  private handling = false;
  private consecutiveFailures = 0;
  private lastError: Error | undefined;
  private savedPosition: Position = START_POSITION;
  private saveTimer: NodeJS.Timeout | undefined;
  private saving: Promise<void> = Promise.resolve();
  private running: Promise<void> | undefined;
  private wakeRetry: (() => void) | undefined;
  private positionWaiters: Array<{ position: Position; resolve(): void }> = [];
  private readonly snapshotEvery: number;
  private readonly maxOutstanding: number;
  private readonly pipelineSameStream: boolean;
  private readonly cacheMax: number;
  private readonly multiWriter: (stream: string) => boolean;
  /** counters for the status and the benchmark's profile */
  readonly stats = { events: 0, appends: 0, restarts: 0, loads: 0 };

  constructor(readonly options: WorkflowRunnerOptions<M>) {
    this.name = options.name;
    this.memory = options.handler.initialMemory();
    this.safe = { position: START_POSITION, memory: this.memory };
    this.snapshotEvery = options.snapshotEvery ?? 256;
    this.maxOutstanding = options.maxOutstandingAppends ?? 2048;
    this.pipelineSameStream = options.pipelineSameStream ?? true;
    this.cacheMax = options.cacheMaxEntries ?? 200_000;
    this.multiWriter = options.multiWriter ?? (() => true);
  }

  get processedPosition(): Position {
    return this.safe.position;
  }

  /** caught up with the log and nothing in flight */
  get idle(): boolean {
    return this.caughtUp && !this.handling && this.outstanding === 0 && this.queueHead === this.queue.length && this.failure === undefined;
  }

  get status(): { name: string; processedPosition: Position; idle: boolean; outstandingAppends: number; consecutiveFailures: number; lastError?: string } {
    const status = { name: this.name, processedPosition: this.safe.position, idle: this.idle, outstandingAppends: this.outstanding, consecutiveFailures: this.consecutiveFailures };
    return this.lastError ? { ...status, lastError: `${this.lastError.name}: ${this.lastError.message}` } : status;
  }

  start(): void {
    if (this.running) return;
    this.running = this.loop();
  }

  /** resolves once every event up to `position` was handled with its appends durable */
  waitFor(position: Position): Promise<void> {
    if (comparePositions(this.safe.position, position) >= 0) return Promise.resolve();
    return new Promise((resolve) => this.positionWaiters.push({ position, resolve }));
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wakeRetry?.();
    await this.subscription?.close();
    await this.running;
    if (this.saveTimer) clearTimeout(this.saveTimer);
    await this.saveCheckpoint();
  }

  // ------------------------------------------------------------------------------ main loop

  private async loop(): Promise<void> {
    const checkpoint = await this.options.stateStore.load(this.name);
    if (checkpoint) {
      this.safe = { position: checkpoint.position, memory: checkpoint.memory };
      this.savedPosition = checkpoint.position;
    }
    while (!this.stopping) {
      this.memory = this.safe.memory;
      this.failure = undefined;
      try {
        await this.consume();
      } catch (error) {
        this.failure ??= error as Error;
      }
      // let every queued append settle, then forget everything decided after the safe point
      await this.settleAll();
      this.cache.clear();
      this.slots.clear();
      this.queue.length = 0;
      this.queueHead = 0;
      this.caughtUp = false;
      if (this.stopping) break;
      const error = this.failure!;
      this.stats.restarts += 1;
      this.consecutiveFailures += 1;
      this.lastError = error;
      this.options.onError?.(error, { name: this.name, consecutiveFailures: this.consecutiveFailures });
      // a lost race (someone else wrote first) is retried at once; anything else backs off
      if (!(error instanceof WrongExpectedVersion) || this.consecutiveFailures > 3) {
        await this.pause(Math.min(5000, 20 * 2 ** Math.min(this.consecutiveFailures, 8)));
      }
    }
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wakeRetry = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  private async consume(): Promise<void> {
    const subscription = this.options.store.subscribeToAll({ fromPosition: this.safe.position, filter: { eventTypes: this.options.handler.eventTypes } });
    this.subscription = subscription;
    let lastYield = performance.now();
    try {
      for await (const message of subscription) {
        if (this.failure) throw this.failure;
        if (this.stopping) return;
        if (message.kind === 'event') {
          await this.handleEvent(message.event);
          if (this.outstanding >= this.maxOutstanding) await this.waitOutstanding();
          // cached steps resolve in microtasks only: give I/O (fsync completions, the store's
          // group commit, the API, the engines) a turn every few milliseconds
          if (performance.now() - lastYield > YIELD_EVERY_MS) {
            await new Promise<void>((resolve) => setImmediate(resolve));
            lastYield = performance.now();
          }
        } else {
          this.queue.push({ position: message.position, causation: undefined, remaining: 0, done: true, memory: this.memory });
          if (message.kind === 'caughtUp') this.caughtUp = true;
          this.advance();
        }
      }
      if (this.failure) throw this.failure;
      if (!this.stopping) throw new Error(`workflow subscription ${this.name} ended`);
    } finally {
      this.subscription = undefined;
      await subscription.close();
    }
  }

  private async handleEvent(event: RecordedEvent): Promise<void> {
    const tracked: Tracked<M> = { position: event.position, causation: undefined, remaining: 0, done: false, memory: undefined };
    this.queue.push(tracked);
    this.absorb(event);
    this.handling = true;
    const context = new Step<M>(this, event, tracked);
    try {
      await this.options.handler.handle(context);
    } finally {
      this.handling = false;
    }
    this.stats.events += 1;
    tracked.memory = this.memory;
    tracked.done = true;
    this.advance();
  }

  /** Events others wrote to a cached stream are folded in, so the cache stays the stream's head. */
  private absorb(event: RecordedEvent): void {
    const cached = this.cache.get(event.stream);
    if (!cached) return;
    if (event.revision === cached.revision + 1) {
      cached.state = cached.kind.evolve(cached.state, asDecided(event));
      cached.revision = event.revision;
    } else if (event.revision > cached.revision + 1) {
      this.cache.delete(event.stream);
    }
  }

  /** @internal (Step) */
  cached(stream: string, kind: AggregateKind): Cached {
    const cached = this.cache.get(stream);
    if (!cached) throw new Error(`${stream} used before load()`);
    if (cached.kind !== kind) throw new Error(`${stream} cached with another decider`);
    return cached;
  }

  /** @internal (Step) */
  async ensure(stream: string, kind: AggregateKind): Promise<void> {
    const hit = this.cache.get(stream);
    if (hit) {
      hit.used = true;
      return;
    }
    // a stream with appends still in flight must not be re-read: the read would miss them
    const slot = this.slots.get(stream);
    if (slot) await whenAll([slot.durable]);
    this.stats.loads += 1;
    // short-lived streams (orders, transfers) never reach a snapshot: do not look for one
    const snapshots = this.options.snapshotStreams?.(stream) === false ? undefined : this.options.snapshots;
    const loaded = await loadAggregate(this.options.store, stream, kind, snapshots);
    this.cache.set(stream, { kind, state: loaded.state, revision: loaded.revision, snapshotRevision: loaded.revision });
    if (this.cache.size > this.cacheMax) this.evict();
  }

  /** Oldest first; one used since the last pass moves to the back instead (second chance). */
  private evict(): void {
    for (const [stream, cached] of this.cache) {
      if (this.cache.size <= this.cacheMax * 0.9) return;
      if (this.slots.has(stream)) continue;
      this.cache.delete(stream);
      if (cached.used) {
        cached.used = false;
        this.cache.set(stream, cached);
      }
    }
  }

  // ------------------------------------------------------------------------------ appends

  /** @internal (Step) */
  append(stream: string, events: DomainEvent<string, any>[], expected: number, cached: Cached, touched: readonly string[], tracked: Tracked<M>, cause: RecordedEvent): void {
    const data = toEventData(stream, events, (tracked.causation ??= causedBy(cause)));
    const deps: Gate[] = [];
    const previous = this.slots.get(stream);
    // Pipelining on one stream relies on "the previous append failed ⇒ this one fails too",
    // which holds only when nobody else writes the stream: another writer's event can take the
    // revision the failed append expected, and this one would land on a state it never saw.
    if (previous) deps.push(this.pipelineSameStream && !this.multiWriter(stream) ? previous.issued : previous.durable);
    for (const other of touched) {
      if (other === stream) continue;
      const slot = this.slots.get(other);
      if (!slot || !slot.durable.pending) continue;
      // On a local store that validates in call order and stops at its first failed batch, an
      // append handed over after the appends it was decided from lands after them or not at
      // all, and they share one group commit. The one exception, an order append losing its
      // race against an OrderCancelRequested, leaves a gap that the redelivery closes: what
      // the runner decides elsewhere from an order does not depend on a cancel request, except
      // at acceptance, where the redelivery accepts and cancels at once (see exchangeWorkflow).
      deps.push(this.pipelineSameStream ? slot.issued : slot.durable);
    }
    const slot: Slot = { issued: new Gate(), durable: new Gate() };
    this.slots.set(stream, slot);
    const stateAfter = cached.state;
    const revisionAfter = cached.revision;
    tracked.remaining += 1;
    this.outstanding += 1;
    this.stats.appends += 1;
    const issue = () => {
      slot.issued.resolve();
      this.options.store.append(stream, data, expected < 0 ? NO_STREAM : expected).then(
        () => {
          slot.durable.resolve();
          this.settled(stream, slot, tracked);
          this.maybeSnapshot(stream, cached, stateAfter, revisionAfter);
        },
        (error: Error) => this.failed(stream, slot, tracked, error),
      );
    };
    const blocked = deps.filter((g) => g.pending || g.error);
    if (blocked.length === 0) issue();
    else whenAll(blocked).then(issue, (error: Error) => this.failed(stream, slot, tracked, error));
  }

  private settled(stream: string, slot: Slot, tracked: Tracked<M>): void {
    if (this.slots.get(stream) === slot) this.slots.delete(stream);
    tracked.remaining -= 1;
    this.outstanding -= 1;
    if (this.outstanding < this.maxOutstanding / 2 && this.outstandingWaiters.length > 0) {
      const waiters = this.outstandingWaiters;
      this.outstandingWaiters = [];
      for (const wake of waiters) wake();
    }
    this.advance();
  }

  private failed(stream: string, slot: Slot, tracked: Tracked<M>, error: Error): void {
    // never handed to the store: whatever waits for its hand-over (the next append of the same
    // stream, or one of another stream decided from it) must not go either
    slot.issued.reject(error);
    slot.durable.reject(error);
    if (!this.failure) {
      this.failure = error;
      void this.subscription?.close();
    }
    // `tracked.remaining` stays up: the safe position must never pass an event whose append
    // failed — the restart resumes before it and decides it again
    this.outstanding -= 1;
    const waiters = this.outstandingWaiters;
    this.outstandingWaiters = [];
    for (const wake of waiters) wake();
  }

  private maybeSnapshot(stream: string, cached: Cached, state: unknown, revision: number): void {
    const snapshots = this.options.snapshots;
    if (!snapshots || revision - cached.snapshotRevision < this.snapshotEvery) return;
    cached.snapshotRevision = revision;
    snapshots.save(stream, { revision, state }).catch((error: unknown) => this.options.onError?.(error, { name: `${this.name}:snapshot`, consecutiveFailures: 0 }));
  }

  private waitOutstanding(): Promise<void> {
    if (this.outstanding < this.maxOutstanding || this.failure) return Promise.resolve();
    return new Promise((resolve) => this.outstandingWaiters.push(resolve));
  }

  private async settleAll(): Promise<void> {
    while (this.outstanding > 0) await new Promise<void>((resolve) => this.outstandingWaiters.push(resolve));
  }

  // ------------------------------------------------------------------------------ progress

  private advance(): void {
    let moved = false;
    while (!this.failure && this.queueHead < this.queue.length) {
      const head = this.queue[this.queueHead]!;
      if (!head.done || head.remaining > 0) break;
      this.safe = { position: head.position, memory: head.memory! };
      this.queueHead += 1;
      moved = true;
    }
    if (this.queueHead > 4096 && this.queueHead * 2 > this.queue.length) {
      this.queue.splice(0, this.queueHead);
      this.queueHead = 0;
    }
    if (!moved || this.failure) return;
    this.consecutiveFailures = 0;
    this.options.onProgress?.();
    if (this.positionWaiters.length > 0) {
      const ready = this.positionWaiters.filter((w) => comparePositions(this.safe.position, w.position) >= 0);
      if (ready.length > 0) {
        this.positionWaiters = this.positionWaiters.filter((w) => comparePositions(this.safe.position, w.position) < 0);
        for (const waiter of ready) waiter.resolve();
      }
    }
    if (this.idle) void this.saveCheckpoint();
    else if (!this.saveTimer) {
      this.saveTimer = setTimeout(() => {
        this.saveTimer = undefined;
        void this.saveCheckpoint();
      }, this.options.checkpointIntervalMs ?? 200);
      this.saveTimer.unref();
    }
  }

  private saveCheckpoint(): Promise<void> {
    this.saving = this.saving.then(async () => {
      const safe = this.safe;
      if (comparePositions(safe.position, this.savedPosition) <= 0) return;
      try {
        await this.options.stateStore.save(this.name, { position: safe.position, memory: safe.memory });
        this.savedPosition = safe.position;
      } catch (error) {
        this.options.onError?.(error, { name: `${this.name}:checkpoint`, consecutiveFailures: 0 });
      }
    });
    return this.saving;
  }
}

/**
 * What one step sees (StepContext): a class rather than an object of closures, since one is
 * made per event handled.
 */
class Step<M> implements StepContext<M> {
  /** streams this step read or decided on: its later appends depend on theirs */
  private readonly touched: string[] = [];

  constructor(
    private readonly runner: WorkflowRunner<M>,
    readonly event: RecordedEvent,
    private readonly tracked: Tracked<M>,
  ) {}

  get memory(): M {
    return this.runner.memory;
  }

  set memory(value: M) {
    this.runner.memory = value;
  }

  load(stream: string, kind: AggregateKind): Promise<void> {
    const hit = this.runner.cache.get(stream);
    if (hit) {
      hit.used = true;
      return DONE;
    }
    return this.runner.ensure(stream, kind);
  }

  adoptLive(kind: AggregateKind): void {
    const { runner, event } = this;
    if (!runner.caughtUp || event.revision !== 0 || runner.cache.has(event.stream) || runner.slots.has(event.stream)) return;
    runner.cache.set(event.stream, { kind, state: kind.evolve(kind.initialState(), asDecided(event)), revision: 0, snapshotRevision: 0 });
  }

  private touch(stream: string): void {
    if (!this.touched.includes(stream)) this.touched.push(stream);
  }

  state<S>(stream: string, kind: AggregateKind<unknown, S>): S {
    const cached = this.runner.cached(stream, kind);
    this.touch(stream);
    return cached.state as S;
  }

  decide<E extends DomainEvent<string, any>>(stream: string, kind: AggregateKind, command: unknown): E[] {
    const cached = this.runner.cached(stream, kind);
    const events = kind.decide(command, cached.state) as E[];
    this.touch(stream);
    if (events.length === 0) return events;
    const expected = cached.revision;
    let state = cached.state;
    for (const e of events) state = kind.evolve(state, e);
    cached.state = state;
    cached.revision += events.length;
    this.runner.append(stream, events, expected, cached, this.touched, this.tracked, this.event);
    return events;
  }

  private async durable(stream: string): Promise<void> {
    const slot = this.runner.slots.get(stream);
    if (slot) await whenAll([slot.durable]);
  }

  async readBack(stream: string, maxCount: number): Promise<RecordedEvent[]> {
    await this.durable(stream);
    try {
      return await this.runner.options.store.readStream(stream, { direction: 'backwards', fromRevision: 'end', maxCount });
    } catch (error) {
      if (error instanceof StreamNotFound) return [];
      throw error;
    }
  }

  async findBack(stream: string, match: (event: RecordedEvent) => boolean, ends: (event: RecordedEvent) => boolean): Promise<RecordedEvent[]> {
    await this.durable(stream);
    const found: RecordedEvent[] = [];
    let from: number | 'end' = 'end';
    for (;;) {
      let page: RecordedEvent[];
      try {
        page = await this.runner.options.store.readStream(stream, { direction: 'backwards', fromRevision: from, maxCount: 256 });
      } catch (error) {
        if (error instanceof StreamNotFound) return found;
        throw error;
      }
      for (const event of page) {
        if (ends(event)) return found;
        if (match(event)) found.push(event);
      }
      const last = page.at(-1);
      if (page.length < 256 || !last || last.revision === 0) return found;
      from = last.revision - 1;
    }
  }
}
