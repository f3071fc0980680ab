/**
 * One projection version at work: a catch-up subscription from its checkpoint (exclusive), a
 * bounded queue filled by a pump, and a loop that takes whatever is queued (up to a batch
 * bound), folds it through the projection and applies all writes with the new checkpoint in
 * one atomic store call. During catch-up the queue is full, so batches are large; live, each
 * batch holds what arrived while the previous one was being written — no timer needed.
 */
import { START_POSITION, comparePositions, type AllSubscription, type EventStore, type Position, type RecordedEvent, type SubscriptionMessage } from '../../eventstore/port.js';
import { compactBatch } from '../store/compact.js';
import { InvalidWriteOp, ReadStoreWrongType } from '../store/errors.js';
import type { ReadStore, WriteOp } from '../store/port.js';
import { ProjectionFailed } from './errors.js';
import type { Projection } from './projection.js';

interface PreparedBatch {
  writes: WriteOp[];
  applied: RecordedEvent[];
  position: Position;
  sawCaughtUp: boolean;
  impossible: ProjectionFailed | null;
}

export type WorkerState = 'starting' | 'catchingUp' | 'live' | 'retrying' | 'failed' | 'stopped';

export interface WorkerLimits {
  /** events per atomic batch */
  batchMaxEvents: number;
  /** messages buffered ahead of the apply loop */
  queueMaxMessages: number;
  retryInitialMs: number;
  retryMaxMs: number;
  /** consecutive store/subscription failures before the projection is declared failed */
  maxConsecutiveFailures: number;
}

export interface WorkerHooks {
  /** after each processed batch; `events` is empty when only the position moved or nothing was written */
  progressed(worker: ProjectionWorker, events: readonly RecordedEvent[]): void;
  failed(worker: ProjectionWorker, error: ProjectionFailed): void;
  error(error: unknown, info: { projection: string; version: number; consecutiveFailures: number; retryInMs: number }): void;
}

/** The store's checkpoint is not the one the fold was computed from: reload, do not count a failure. */
class FoldOutOfDate extends Error {
  override name = 'FoldOutOfDate';
}

/** loads racing a concurrent writer are retried this often before counting as a failure */
const LOAD_ATTEMPTS = 5;

/** errors that recur on every retry: retrying them would loop forever */
function isDeterministic(error: unknown): boolean {
  return error instanceof ReadStoreWrongType || error instanceof InvalidWriteOp;
}

export class ProjectionWorker {
  /** committed checkpoint: everything up to here is in the read model */
  position: Position = START_POSITION;
  state: WorkerState = 'starting';
  /** reached the end of the log once since the last (re)subscription, and committed it */
  caughtUp = false;
  consecutiveFailures = 0;
  failure: ProjectionFailed | null = null;

  private fold: unknown;
  /** the position the fold has reached (ahead of `position` while a batch is in flight) */
  private foldedPosition: Position = START_POSITION;
  /** the checkpoint as stored, which the fold corresponds to (null: none yet) */
  private stored: Position | null = null;
  private stopping = false;
  private subscription: AllSubscription | undefined;
  private wakeRetry: (() => void) | undefined;
  private wakeConsumer: (() => void) | undefined;
  private wakePump: (() => void) | undefined;
  private done: Promise<void> = Promise.resolve();

  constructor(
    readonly projection: Projection,
    private readonly eventStore: EventStore,
    private readonly readStore: ReadStore,
    private readonly limits: WorkerLimits,
    private readonly hooks: WorkerHooks,
  ) {}

  get name(): string {
    return this.projection.name;
  }

  get version(): number {
    return this.projection.version;
  }

  /** runs in the background: loads the checkpoint and the fold, then consumes (retrying what is transient) */
  start(): void {
    this.done = this.run();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wakeRetry?.();
    this.wakeConsumer?.();
    this.wakePump?.();
    await this.subscription?.close();
    await this.done;
    if (this.state !== 'failed') this.state = 'stopped';
  }

  private async load(): Promise<void> {
    const { name, version } = this.projection;
    for (let attempt = 1; ; attempt += 1) {
      const checkpoint = await this.readStore.checkpoint(name, version);
      const fold = checkpoint === null ? this.projection.initialState() : await this.projection.loadState(this.readStore.versionView(name, version), checkpoint);
      // the fold is only usable if nothing was committed while it was being read
      if ((await this.readStore.checkpoint(name, version)) === checkpoint) {
        this.fold = fold;
        this.stored = checkpoint;
        this.position = checkpoint ?? START_POSITION;
        this.foldedPosition = this.position;
        this.caughtUp = false;
        return;
      }
      if (attempt >= LOAD_ATTEMPTS) throw new Error(`projection ${name} v${version}: its model kept changing while loading (another runner?)`);
    }
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      try {
        await this.load();
        if (this.stopping) break;
        this.state = 'catchingUp';
        await this.consume();
      } catch (error) {
        if (this.stopping) break;
        if (error instanceof FoldOutOfDate) continue;
        if (error instanceof ProjectionFailed) return this.fail(error);
        if (isDeterministic(error)) return this.fail(new ProjectionFailed(this.name, this.version, null, error as Error));
        this.consecutiveFailures += 1;
        if (this.consecutiveFailures >= this.limits.maxConsecutiveFailures) return this.fail(new ProjectionFailed(this.name, this.version, null, error as Error));
        const retryInMs = Math.min(this.limits.retryMaxMs, this.limits.retryInitialMs * 2 ** Math.min(this.consecutiveFailures - 1, 20));
        this.state = 'retrying';
        this.hooks.error(error, { projection: this.name, version: this.version, consecutiveFailures: this.consecutiveFailures, retryInMs });
        await this.pause(retryInMs);
      }
    }
  }

  private fail(error: ProjectionFailed): void {
    this.failure = error;
    this.state = 'failed';
    this.hooks.failed(this, error);
  }

  private async consume(): Promise<void> {
    const queue: SubscriptionMessage[] = [];
    let head = 0;
    let pumpEnded = false;
    let pumpError: unknown = null;
    const subscription = this.eventStore.subscribeToAll({ fromPosition: this.position, ...(this.projection.filter ? { filter: this.projection.filter } : {}) });
    this.subscription = subscription;
    const wake = () => {
      const resolve = this.wakeConsumer;
      this.wakeConsumer = undefined;
      resolve?.();
    };
    const pump = (async () => {
      try {
        for await (const message of subscription) {
          queue.push(message);
          wake();
          while (queue.length - head >= this.limits.queueMaxMessages && !this.stopping) await new Promise<void>((resolve) => (this.wakePump = resolve));
          if (this.stopping) break;
        }
      } catch (error) {
        pumpError = error;
      } finally {
        pumpEnded = true;
        wake();
      }
    })();

    // one batch may be in flight while the next is folded: CPU here overlaps the store's work;
    // the next is sent only after the previous committed (its expected checkpoint depends on it)
    let inFlight: Promise<void> | null = null;
    try {
      for (;;) {
        if (this.stopping) return;
        if (head === queue.length) {
          if (inFlight) {
            // nothing to fold meanwhile: settle the commit now, so its failure is seen at once
            const committing: Promise<void> = inFlight;
            inFlight = null;
            await committing;
            continue;
          }
          if (pumpError) throw pumpError;
          if (pumpEnded) throw new Error(`subscription of projection ${this.name} ended`);
          await new Promise<void>((resolve) => (this.wakeConsumer = resolve));
          // one macrotask turn lets the pump move everything the subscription already holds
          // into the queue, so a catch-up batch is a page, not a single event
          await new Promise<void>((resolve) => setImmediate(resolve));
          continue;
        }
        let events = 0;
        const batch: SubscriptionMessage[] = [];
        while (head < queue.length && events < this.limits.batchMaxEvents) {
          const message = queue[head]!;
          head += 1;
          batch.push(message);
          if (message.kind === 'event') events += 1;
        }
        if (head === queue.length) {
          queue.length = 0;
          head = 0;
        }
        const resume = this.wakePump;
        this.wakePump = undefined;
        resume?.();
        const prepared = this.prepare(batch);
        if (inFlight) {
          const committing: Promise<void> = inFlight;
          inFlight = null;
          await committing;
        }
        if (this.stopping) return;
        inFlight = this.commit(prepared);
        if (prepared.impossible) {
          // nothing after an impossible event is folded: commit what precedes it, then stop
          const committing: Promise<void> = inFlight;
          inFlight = null;
          await committing;
        }
      }
    } finally {
      if (inFlight) await (inFlight as Promise<void>).catch(() => {});
      await subscription.close();
      this.subscription = undefined;
      await pump;
    }
  }

  /** folds one batch (synchronously) into its writes */
  private prepare(batch: readonly SubscriptionMessage[]): PreparedBatch {
    const writes: WriteOp[] = [];
    const applied: RecordedEvent[] = [];
    let position = this.foldedPosition;
    let sawCaughtUp = false;
    let impossible: ProjectionFailed | null = null;
    for (const message of batch) {
      if (message.kind !== 'event') {
        if (comparePositions(message.position, position) > 0) position = message.position;
        if (message.kind === 'caughtUp') sawCaughtUp = true;
        continue;
      }
      const event = message.event;
      // at-least-once delivery: an event at or before what is folded already is a repeat
      if (comparePositions(event.position, position) <= 0) continue;
      try {
        const step = this.projection.apply(this.fold, event);
        this.fold = step.state;
        for (const write of step.writes) writes.push(write);
      } catch (error) {
        // commit what came before it, so the model stops exactly before the impossible event
        impossible = new ProjectionFailed(this.name, this.version, { id: event.id, type: event.type, stream: event.stream, position: event.position }, error instanceof Error ? error : new Error(String(error)));
        break;
      }
      applied.push(event);
      position = event.position;
    }
    this.foldedPosition = position;
    // the batch commits atomically: repeated writes of one key within it are written once
    return { writes: compactBatch(writes), applied, position, sawCaughtUp, impossible };
  }

  /** applies a prepared batch atomically with its checkpoint */
  private async commit({ writes, applied, position, sawCaughtUp, impossible }: PreparedBatch): Promise<void> {
    if (comparePositions(position, this.position) > 0) {
      const result = await this.readStore.applyBatch(this.name, this.version, writes, position, { expectedCheckpoint: this.stored });
      if (!result.applied) throw new FoldOutOfDate(`projection ${this.name} v${this.version}: stored checkpoint ${result.checkpoint}, fold computed from ${this.stored ?? 'nothing'}`);
      this.stored = position;
      this.position = position;
      this.consecutiveFailures = 0;
    }
    if (impossible) throw impossible;
    if (sawCaughtUp) {
      this.caughtUp = true;
      this.state = 'live';
    }
    this.hooks.progressed(this, applied);
  }

  private pause(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wakeRetry = () => {
        clearTimeout(timer);
        resolve();
      };
    }).finally(() => {
      this.wakeRetry = undefined;
    });
  }
}
