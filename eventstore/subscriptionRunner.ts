import type { CheckpointStore } from './checkpoints.js';
import { START_POSITION, comparePositions, maxPosition, type AllSubscription, type EventFilter, type EventStore, type Position, type RecordedEvent } from './port.js';

export interface SubscriptionRunnerOptions {
  store: EventStore;
  /** consumer name: the checkpoint's key */
  name: string;
  filter?: EventFilter;
  checkpointStore: CheckpointStore;
  /** must be idempotent: delivery is at-least-once (a crash replays since the last checkpoint) */
  handle(event: RecordedEvent): Promise<void> | void;
  /** told about every failure (handler or subscription); the runner then resubscribes */
  onError?(error: unknown, info: { name: string; consecutiveFailures: number; retryInMs: number }): void;
  /** save the checkpoint at least every this many handled events (default 256) */
  checkpointEveryEvents?: number;
  /** ... and at most this long after the last unsaved progress (default 1000 ms) */
  checkpointDelayMs?: number;
  /** resubscribe backoff after a failure: doubles from `initial` to `max` (default 50 → 5000 ms) */
  retryInitialMs?: number;
  retryMaxMs?: number;
}

export interface RunningSubscription {
  readonly name: string;
  /** every event up to here has been handled (or skipped by the filter) */
  readonly processedPosition: Position;
  /** the subscription has reached the end of the log at least once since it (re)started */
  readonly caughtUp: boolean;
  /** caught up and not handling an event right now */
  readonly idle: boolean;
  readonly consecutiveFailures: number;
  /** resolves once `processedPosition` >= `position`; rejects if the runner stops first */
  waitFor(position: Position): Promise<void>;
  /** stops after the event in progress and saves the checkpoint */
  stop(): Promise<void>;
}

class StoppedError extends Error {
  override name = 'SubscriptionStopped';
}

/**
 * Runs one consumer over `$all`: resumes after its checkpoint, handles each event, saves the
 * checkpoint after handling (batched — at-least-once), resubscribes with backoff when the
 * subscription drops or the handler throws (the failed event is delivered again).
 */
export function runSubscription(options: SubscriptionRunnerOptions): RunningSubscription {
  const everyEvents = options.checkpointEveryEvents ?? 256;
  const delayMs = options.checkpointDelayMs ?? 1000;
  const retryInitialMs = options.retryInitialMs ?? 50;
  const retryMaxMs = options.retryMaxMs ?? 5000;

  let processed: Position = START_POSITION;
  let saved: Position = START_POSITION;
  let unsavedEvents = 0;
  let caughtUp = false;
  let handling = false;
  let failures = 0;
  let stopping = false;
  let subscription: AllSubscription | undefined;
  let saveTimer: NodeJS.Timeout | undefined;
  let retryWake: (() => void) | undefined;
  let waiters: Array<{ position: Position; resolve(): void; reject(error: Error): void }> = [];

  const advance = (position: Position) => {
    processed = maxPosition(processed, position);
    const ready = waiters.filter((w) => comparePositions(processed, w.position) >= 0);
    if (ready.length === 0) return;
    waiters = waiters.filter((w) => comparePositions(processed, w.position) < 0);
    for (const waiter of ready) waiter.resolve();
  };

  const saveCheckpoint = async () => {
    if (saveTimer) clearTimeout(saveTimer);
    saveTimer = undefined;
    if (comparePositions(processed, saved) <= 0) return;
    const position = processed;
    unsavedEvents = 0;
    await options.checkpointStore.save(options.name, position);
    saved = maxPosition(saved, position);
  };

  const saveLater = () => {
    if (saveTimer || stopping) return;
    saveTimer = setTimeout(() => {
      saveTimer = undefined;
      saveCheckpoint().catch((error: unknown) => options.onError?.(error, { name: options.name, consecutiveFailures: failures, retryInMs: 0 }));
    }, delayMs);
    saveTimer.unref();
  };

  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      retryWake = () => {
        clearTimeout(timer);
        resolve();
      };
    }).finally(() => {
      retryWake = undefined;
    });

  const consume = async () => {
    subscription = options.store.subscribeToAll({ fromPosition: processed, filter: options.filter });
    try {
      for await (const message of subscription) {
        if (stopping) break;
        if (message.kind === 'event') {
          handling = true;
          try {
            await options.handle(message.event);
          } finally {
            handling = false;
          }
          failures = 0;
          unsavedEvents += 1;
          advance(message.event.position);
        } else {
          if (message.kind === 'caughtUp') caughtUp = true;
          advance(message.position);
        }
        if (unsavedEvents >= everyEvents || message.kind === 'caughtUp') await saveCheckpoint();
        else saveLater();
      }
    } finally {
      await subscription.close();
      subscription = undefined;
    }
    if (!stopping) throw new Error(`subscription ${options.name} ended`);
  };

  const done = (async () => {
    const checkpoint = await options.checkpointStore.load(options.name);
    if (checkpoint !== undefined) processed = saved = checkpoint;
    advance(processed);
    while (!stopping) {
      try {
        await consume();
      } catch (error) {
        if (stopping) break;
        failures += 1;
        caughtUp = false;
        const retryInMs = Math.min(retryMaxMs, retryInitialMs * 2 ** Math.min(failures - 1, 20));
        options.onError?.(error, { name: options.name, consecutiveFailures: failures, retryInMs });
        await pause(retryInMs);
      }
    }
    await saveCheckpoint();
  })();

  const stopped = done.finally(() => {
    const error = new StoppedError(`subscription ${options.name} stopped`);
    for (const waiter of waiters) waiter.reject(error);
    waiters = [];
  });
  // a failing start (e.g. unreadable checkpoint) surfaces through stop() and waitFor()
  stopped.catch((error: unknown) => options.onError?.(error, { name: options.name, consecutiveFailures: failures, retryInMs: 0 }));

  return {
    name: options.name,
    get processedPosition() {
      return processed;
    },
    get caughtUp() {
      return caughtUp;
    },
    get idle() {
      return caughtUp && !handling;
    },
    get consecutiveFailures() {
      return failures;
    },
    waitFor(position) {
      if (comparePositions(processed, position) >= 0) return Promise.resolve();
      if (stopping) return Promise.reject(new StoppedError(`subscription ${options.name} stopped`));
      return new Promise<void>((resolve, reject) => waiters.push({ position, resolve, reject }));
    },
    async stop() {
      stopping = true;
      retryWake?.();
      await subscription?.close();
      await stopped;
    },
  };
}
