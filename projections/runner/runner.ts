/**
 * Runs the projections: one worker per projection, the version pointer, rebuilds beside the live
 * version, `waitForPosition` for callers that must read their own writes, and listeners told
 * after each committed batch (GraphQL subscriptions publish then).
 */
import { comparePositions, type EventStore, type Position, type RecordedEvent } from '../../eventstore/port.js';
import type { ReadStore } from '../store/port.js';
import { ProjectionFailed, ProjectionRunnerError, RunnerStopped, VersionSuperseded, WaitTimeout } from './errors.js';
import type { Projection } from './projection.js';
import { ProjectionWorker, type WorkerLimits, type WorkerState } from './worker.js';

export interface AppliedBatch {
  projection: string;
  version: number;
  /** the checkpoint now stored with the model */
  position: Position;
  events: readonly RecordedEvent[];
}

export interface ProjectionStatus {
  name: string;
  version: number;
  /** readers are pointed at this version */
  current: boolean;
  /** being rebuilt beside the current version; not yet read */
  rebuilding: boolean;
  state: WorkerState;
  position: Position;
  caughtUp: boolean;
  consecutiveFailures: number;
  error: { name: string; message: string; event: ProjectionFailed['event'] } | null;
}

export interface ProjectionRunnerOptions extends Partial<WorkerLimits> {
  eventStore: EventStore;
  readStore: ReadStore;
  projections: readonly Projection<any>[];
  /** told about retried failures and about listeners that threw; default: ignored */
  onError?: (error: unknown, info: { projection: string; version: number; consecutiveFailures: number; retryInMs: number }) => void;
  /** told once when a projection stops for good */
  onFailed?: (error: ProjectionFailed) => void;
  /** delete a version once readers have been switched away from it (default false: keep it for inspection) */
  deleteReplacedVersions?: boolean;
}

export const DEFAULT_LIMITS: WorkerLimits = {
  batchMaxEvents: 500,
  queueMaxMessages: 4096,
  retryInitialMs: 50,
  retryMaxMs: 5000,
  maxConsecutiveFailures: 100,
};

interface Slot {
  /** the worker whose progress counts for waitForPosition */
  primary: ProjectionWorker;
  /** the version readers are pointed at (may have no worker: a frozen older version) */
  current: number | null;
  /** a newer version building beside `primary`, switched to once it has caught up with it */
  candidate: { worker: ProjectionWorker; resolve(): void; reject(error: Error): void } | null;
  switching: boolean;
}

interface Waiter {
  position: Position;
  resolve(): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

export class ProjectionRunner {
  private readonly limits: WorkerLimits;
  private readonly slots = new Map<string, Slot>();
  private readonly listeners = new Set<(batch: AppliedBatch) => void>();
  private waiters: Waiter[] = [];
  private readonly preparing = new Set<string>();
  private started = false;
  private stopped = false;

  constructor(private readonly options: ProjectionRunnerOptions) {
    this.limits = { ...DEFAULT_LIMITS, ...definedOnly(options) };
    const names = new Set<string>();
    for (const projection of options.projections) {
      if (names.has(projection.name)) throw new ProjectionRunnerError(`projection ${projection.name} is listed twice`);
      names.add(projection.name);
    }
  }

  /** Loads every checkpoint and fold, settles version pointers, then runs in the background. */
  async start(): Promise<void> {
    if (this.started) throw new ProjectionRunnerError('projection runner already started');
    this.started = true;
    for (const projection of this.options.projections) {
      let current = await this.options.readStore.currentVersion(projection.name);
      if (current !== null && current > projection.version) throw new VersionSuperseded(projection.name, projection.version, current);
      // a first start serves the model while it builds: there is nothing better to read
      if (current === null && (await this.options.readStore.switchVersion(projection.name, { from: null, to: projection.version }))) current = projection.version;
      const worker = this.makeWorker(projection);
      this.slots.set(projection.name, { primary: worker, current, candidate: null, switching: false });
    }
    // a newer version than the current one (a deployment bumped it) rebuilds while the old
    // model stays readable, and is switched to once caught up (see progressed)
    for (const slot of this.slots.values()) slot.primary.start();
  }

  /**
   * Builds `projection` (a newer version of a running one) from position 0 beside the live
   * version and switches readers to it once it has caught up with the live one. Resolves once
   * the build has started; `switched` resolves after the switch, when the replaced worker has
   * stopped (and its version is deleted if configured so), or rejects if the build fails.
   */
  async rebuild(projection: Projection<any>): Promise<{ switched: Promise<void> }> {
    const slot = this.slots.get(projection.name);
    if (!slot) throw new ProjectionRunnerError(`no running projection ${projection.name} to rebuild`);
    if (slot.candidate || this.preparing.has(projection.name)) throw new ProjectionRunnerError(`projection ${projection.name} is already rebuilding`);
    if (projection.version <= slot.primary.version) throw new ProjectionRunnerError(`rebuild of ${projection.name} needs a version above ${slot.primary.version}`);
    // from position 0: whatever an earlier, abandoned attempt left in that version goes first
    this.preparing.add(projection.name);
    try {
      await this.options.readStore.deleteVersion(projection.name, projection.version);
    } finally {
      this.preparing.delete(projection.name);
    }
    if (this.stopped) throw new RunnerStopped();
    const worker = this.makeWorker(projection);
    const switched = new Promise<void>((resolve, reject) => (slot.candidate = { worker, resolve, reject }));
    // a caller that does not wait for the switch must not get an unhandled rejection at stop
    switched.catch(() => {});
    worker.start();
    return { switched };
  }

  processedPosition(): Position {
    let min: Position | null = null;
    for (const slot of this.slots.values()) if (min === null || comparePositions(slot.primary.position, min) < 0) min = slot.primary.position;
    return min ?? '0';
  }

  /** Resolves when every projection has committed `position`; rejects on timeout or when one failed. */
  waitForPosition(position: Position, timeoutMs: number): Promise<void> {
    if (this.stopped) return Promise.reject(new RunnerStopped());
    const failed = this.firstFailure();
    if (failed) return Promise.reject(failed);
    if (this.reached(position)) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        position,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          reject(new WaitTimeout(position, timeoutMs, this.lagging(position)));
        }, timeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  /** told after each committed batch of the versions readers use; returns the unsubscribe */
  onApplied(listener: (batch: AppliedBatch) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  status(): ProjectionStatus[] {
    const out: ProjectionStatus[] = [];
    for (const slot of this.slots.values()) {
      out.push(statusOf(slot.primary, slot.current === slot.primary.version, false));
      if (slot.candidate) out.push(statusOf(slot.candidate.worker, false, true));
    }
    return out;
  }

  /** every projection is live, caught up and has nothing queued that is not committed */
  idle(headPosition: Position): boolean {
    return [...this.slots.values()].every((slot) => slot.primary.state === 'live' && comparePositions(slot.primary.position, headPosition) >= 0);
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    const workers = [...this.slots.values()].flatMap((slot) => (slot.candidate ? [slot.primary, slot.candidate.worker] : [slot.primary]));
    await Promise.all(workers.map((worker) => worker.stop()));
    for (const slot of this.slots.values()) slot.candidate?.reject(new RunnerStopped());
    for (const waiter of this.waiters) {
      clearTimeout(waiter.timer);
      waiter.reject(new RunnerStopped());
    }
    this.waiters = [];
  }

  private makeWorker(projection: Projection<any>): ProjectionWorker {
    return new ProjectionWorker(projection, this.options.eventStore, this.options.readStore, this.limits, {
      progressed: (worker, events) => this.progressed(worker, events),
      failed: (worker, error) => this.failed(worker, error),
      error: (error, info) => this.options.onError?.(error, info),
    });
  }

  private progressed(worker: ProjectionWorker, events: readonly RecordedEvent[]): void {
    const slot = this.slots.get(worker.name);
    if (!slot) return;
    if (slot.primary === worker) {
      if (events.length > 0 && slot.current === worker.version) this.notify({ projection: worker.name, version: worker.version, position: worker.position, events });
      if (slot.current !== worker.version && worker.caughtUp) void this.switchTo(slot, worker);
      this.settleWaiters();
    } else if (slot.candidate?.worker === worker && worker.caughtUp && comparePositions(worker.position, slot.primary.position) >= 0) {
      void this.switchTo(slot, worker);
    }
  }

  /** compare-and-set of the pointer, then the candidate becomes the primary */
  private async switchTo(slot: Slot, worker: ProjectionWorker): Promise<void> {
    if (slot.switching || this.stopped) return;
    slot.switching = true;
    try {
      const from = slot.current;
      if (!(await this.options.readStore.switchVersion(worker.name, { from, to: worker.version }))) {
        throw new ProjectionRunnerError(`version pointer of ${worker.name} moved away from v${String(from)} during the switch to v${worker.version}`);
      }
      slot.current = worker.version;
      const candidate = slot.candidate;
      if (candidate?.worker === worker) {
        const replaced = slot.primary;
        slot.primary = worker;
        slot.candidate = null;
        await replaced.stop();
        candidate.resolve();
      }
      if (from !== null && this.options.deleteReplacedVersions) await this.options.readStore.deleteVersion(worker.name, from);
      this.settleWaiters();
    } catch (error) {
      this.options.onError?.(error, { projection: worker.name, version: worker.version, consecutiveFailures: 0, retryInMs: 0 });
      if (slot.candidate?.worker === worker) {
        slot.candidate.reject(error as Error);
        slot.candidate = null;
        await worker.stop();
      }
    } finally {
      slot.switching = false;
    }
  }

  private failed(worker: ProjectionWorker, error: ProjectionFailed): void {
    this.options.onFailed?.(error);
    const slot = this.slots.get(worker.name);
    if (slot?.candidate?.worker === worker) {
      slot.candidate.reject(error);
      slot.candidate = null;
    }
    this.settleWaiters();
  }

  private notify(batch: AppliedBatch): void {
    for (const listener of this.listeners) {
      try {
        listener(batch);
      } catch (error) {
        this.options.onError?.(error, { projection: batch.projection, version: batch.version, consecutiveFailures: 0, retryInMs: 0 });
      }
    }
  }

  private reached(position: Position): boolean {
    for (const slot of this.slots.values()) if (comparePositions(slot.primary.position, position) < 0) return false;
    return true;
  }

  private lagging(position: Position): Array<{ projection: string; position: Position }> {
    return [...this.slots.values()].filter((slot) => comparePositions(slot.primary.position, position) < 0).map((slot) => ({ projection: slot.primary.name, position: slot.primary.position }));
  }

  private firstFailure(): ProjectionFailed | null {
    for (const slot of this.slots.values()) if (slot.primary.failure) return slot.primary.failure;
    return null;
  }

  private settleWaiters(): void {
    if (this.waiters.length === 0) return;
    const failed = this.firstFailure();
    const keep: Waiter[] = [];
    for (const waiter of this.waiters) {
      if (failed && !this.reached(waiter.position)) {
        clearTimeout(waiter.timer);
        waiter.reject(failed);
      } else if (this.reached(waiter.position)) {
        clearTimeout(waiter.timer);
        waiter.resolve();
      } else keep.push(waiter);
    }
    this.waiters = keep;
  }
}

function statusOf(worker: ProjectionWorker, current: boolean, rebuilding: boolean): ProjectionStatus {
  const failure = worker.failure;
  return {
    name: worker.name,
    version: worker.version,
    current,
    rebuilding,
    state: worker.state,
    position: worker.position,
    caughtUp: worker.caughtUp,
    consecutiveFailures: worker.consecutiveFailures,
    error: failure ? { name: failure.reason.name, message: failure.message, event: failure.event } : null,
  };
}

function definedOnly(options: Partial<WorkerLimits>): Partial<WorkerLimits> {
  const out: Partial<WorkerLimits> = {};
  for (const key of Object.keys(DEFAULT_LIMITS) as Array<keyof WorkerLimits>) {
    const value = options[key];
    if (value !== undefined) {
      if (!Number.isSafeInteger(value) || value < 1) throw new ProjectionRunnerError(`${key} must be a positive integer, got ${String(value)}`);
      out[key] = value;
    }
  }
  return out;
}

export function createProjectionRunner(options: ProjectionRunnerOptions): ProjectionRunner {
  return new ProjectionRunner(options);
}
