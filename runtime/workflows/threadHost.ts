import { MessageChannel, Worker } from 'node:worker_threads';
import { comparePositions, START_POSITION, type EventStore, type Position } from '../../eventstore/port.js';
import { WORKFLOW_RUNNER_NAME } from './exchangeRunner.js';
import { fromWire, serveStore, type WireError } from './storeBridge.js';

const RACE_ERRORS = new Set(['WrongExpectedVersion', 'StreamNotFound']);

/**
 * The runner allocates ~0.3 MB per order (new aggregate states, event JSON, decoded events), and
 * much of it lives a few milliseconds: until its append is durable or the aggregate's next
 * event. With V8's default young generation (16 MiB semispaces) 80% of what a scavenge finds
 * alive gets promoted, and scavenges took ~0.37 ms per order. A larger one lets most of it
 * die young (semispace = a third of this).
 */
export const YOUNG_GENERATION_MB = 192;

/** An error the thread reported: a lost race stays a WrongExpectedVersion (callers sort errors by class); anything else keeps its name and message. */
export function errorFromThread(wire: WireError): Error {
  return RACE_ERRORS.has(wire.name) ? fromWire(wire) : Object.assign(new Error(wire.message), { name: wire.name });
}

/** What the composition root needs of the workflows, wherever they run. */
export interface WorkflowsHandle {
  readonly status: RunnerStatus;
  readonly stats: { events: number; appends: number; restarts: number; loads: number };
  waitFor(position: Position): Promise<void>;
  stop(): Promise<void>;
}

export interface RunnerStatus {
  name: string;
  processedPosition: Position;
  idle: boolean;
  outstandingAppends: number;
  consecutiveFailures: number;
  lastError?: string;
}

export interface ThreadData {
  dataDir: string;
  inMemoryState?: boolean;
  /** the store is remote (EventStoreDB): no same-stream pipelining, as in process */
  remoteStore?: boolean;
  maxOutstandingAppends?: number;
}

export type ThreadMessage =
  | { t: 'status'; status: RunnerStatus; stats: WorkflowsHandle['stats'] }
  | { t: 'error'; where: string; error: WireError; stack?: string }
  | { t: 'stopped' };

/**
 * The workflow runner in a worker thread (the second core): the domain work — deciding,
 * enveloping, validating and serialising appends — runs there, while this thread keeps the
 * embedded store, the matching engines and the API. The runner reaches the store through a
 * port (storeBridge.ts) and reports its status here, where `system` and `waitFor` read it.
 * Same runner, same events: only the thread differs.
 */
export class WorkflowThread implements WorkflowsHandle {
  status: RunnerStatus = { name: WORKFLOW_RUNNER_NAME, processedPosition: START_POSITION, idle: false, outstandingAppends: 0, consecutiveFailures: 0 };
  stats = { events: 0, appends: 0, restarts: 0, loads: 0 };
  private waiters: Array<{ position: Position; resolve(): void }> = [];
  private stopped: Promise<void> | undefined;
  private exited = false;
  private stopServing: () => Promise<void> = async () => undefined;
  private worker!: Worker;
  /** thread deaths in a row (a status from a new thread resets it) */
  private deaths = 0;
  private respawnTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: EventStore,
    private readonly data: ThreadData,
    private readonly onError: (error: unknown, where: string) => void,
  ) {
    this.spawn();
  }

  /**
   * A thread that dies (an uncaught error, an exhausted heap) is started again after a pause,
   * like the in-process runner after a failure: it resumes from its checkpoint, and its deciders
   * make the redelivery harmless.
   */
  private spawn(): void {
    const { port1, port2 } = new MessageChannel();
    this.stopServing = serveStore(port1, this.store);
    const entry = new URL('./thread.ts', import.meta.url).href;
    // the thread runs TypeScript like this one: tsx's loader is registered there before the entry
    const tsx = import.meta.resolve('tsx/esm/api');
    const worker = new Worker(`import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); })`, {
      eval: true,
      workerData: { ...this.data, storePort: port2 },
      transferList: [port2],
      resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
    });
    this.worker = worker;
    this.exited = false;
    worker.on('message', (message: ThreadMessage) => {
      if (message.t === 'status') {
        this.deaths = 0;
        this.status = message.status;
        this.stats = message.stats;
        this.release();
      } else if (message.t === 'error') {
        const error = errorFromThread(message.error);
        if (message.stack) error.stack = message.stack;
        this.onError(error, message.where);
      }
    });
    worker.on('error', (error) => this.onError(error, `${WORKFLOW_RUNNER_NAME} thread`));
    worker.on('exit', (code) => {
      this.exited = true;
      if (this.stopped) return;
      this.deaths += 1;
      this.status = { ...this.status, idle: false, consecutiveFailures: this.status.consecutiveFailures + 1, lastError: `thread exited with code ${code}` };
      this.onError(new Error(`${WORKFLOW_RUNNER_NAME} thread exited with code ${code}; starting it again`), `${WORKFLOW_RUNNER_NAME} thread`);
      const stopServing = this.stopServing;
      this.respawnTimer = setTimeout(() => {
        this.respawnTimer = undefined;
        void stopServing().then(() => {
          if (!this.stopped) this.spawn();
        });
      }, Math.min(5000, 100 * 2 ** Math.min(this.deaths, 6)));
    });
  }

  /** Ends the thread as a crash would (tests of the restart). */
  async terminateThread(): Promise<void> {
    await this.worker.terminate();
  }

  get processedPosition(): Position {
    return this.status.processedPosition;
  }

  waitFor(position: Position): Promise<void> {
    if (comparePositions(this.status.processedPosition, position) >= 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ position, resolve }));
  }

  private release(): void {
    if (this.waiters.length === 0) return;
    const at = this.status.processedPosition;
    const ready = this.waiters.filter((w) => comparePositions(at, w.position) >= 0);
    if (ready.length === 0) return;
    this.waiters = this.waiters.filter((w) => comparePositions(at, w.position) < 0);
    for (const waiter of ready) waiter.resolve();
  }

  stop(): Promise<void> {
    this.stopped ??= (async () => {
      if (this.respawnTimer) clearTimeout(this.respawnTimer);
      if (!this.exited) {
        const done = new Promise<void>((resolve) => {
          const onMessage = (message: ThreadMessage) => {
            if (message.t !== 'stopped') return;
            this.worker.off('message', onMessage);
            resolve();
          };
          this.worker.on('message', onMessage);
          this.worker.once('exit', () => resolve());
        });
        this.worker.postMessage({ t: 'stop' });
        await done;
      }
      await this.stopServing();
      await this.worker.terminate();
    })();
    return this.stopped;
  }
}
