/**
 * The worker thread of a parallel fold (auditWorker.ts), for logs on disk: each thread reads and
 * decodes the log itself, so the two fold in parallel; only the worker's compacted writes (into
 * the calling thread's read models, as they are committed) and its small results cross threads.
 */
import { Worker } from 'node:worker_threads';
import { getHeapStatistics } from 'node:v8';
import type { MemoryReadStore } from '../../projections/store/memory.js';
import type { AuditOutcome } from './auditSide.js';
import type { AuditWorkerInput, AuditWorkerMessage } from './auditWorker.js';
import { StoreCorrupted } from '../../eventstore/errors.js';
import { REPLAY_SEMI_SPACE_MB } from './heap.js';
import type { ProjectionsEnd } from './projectionSide.js';

/**
 * The projections the worker folds besides the audit, chosen by thread CPU time. The calling
 * thread also hashes every model at the end: it hashes (or writes out ahead) its own while the
 * worker still folds, so the worker may take the longer part of the fold. On the replay
 * benchmark's log (1M events) this split ends the worker's fold some 2 s after the calling
 * thread's, about when the calling thread is done hashing its models; what is left after the
 * worker is its own small models and about 0.5 s of hashing. Balances stay here: first in name
 * order, they let the largest model (ledger) go straight into the hash instead of being held as
 * text until the worker ends. Moving the ledger projection would not help: its writes, by far
 * the largest, cost about as much to send as to fold here.
 */
export const WORKER_PROJECTIONS: readonly string[] = ['orderbook', 'positions', 'trades', 'users'];

export interface WorkerResult {
  outcome: AuditOutcome;
  balances: string[];
  projections: ProjectionsEnd;
}

export interface AuditWorker {
  /** once the worker is done and every write it sent is committed to the read models */
  result: Promise<WorkerResult>;
  /** set as soon as the worker failed: the calling thread need not fold on */
  readonly failure: Error | null;
  /** ends the thread (when the fold failed elsewhere and its result is no longer wanted) */
  stop(): Promise<void>;
}

export function startAuditWorker(input: Omit<AuditWorkerInput, 'projections'>, readModels: MemoryReadStore): AuditWorker {
  const worker = new Worker(new URL('./worker.mjs', import.meta.url), {
    workerData: { ...input, projections: [...WORKER_PROJECTIONS], entry: new URL('./auditWorker.ts', import.meta.url).href } satisfies AuditWorkerInput & { entry: string },
    // a worker gets V8's default heap, not the process's: give it the replay's (heap.ts)
    resourceLimits: {
      maxYoungGenerationSizeMb: 3 * REPLAY_SEMI_SPACE_MB,
      maxOldGenerationSizeMb: Math.floor(getHeapStatistics().heap_size_limit / (1024 * 1024)),
    },
  });
  // commits in the order sent; a failed commit fails the result
  let committing: Promise<unknown> = Promise.resolve();
  let failure: Error | null = null;
  const result = new Promise<WorkerResult>((resolve, fail) => {
    const reject = (error: Error): void => {
      failure ??= error;
      fail(error);
    };
    let ended = false;
    worker.on('message', (message: AuditWorkerMessage) => {
      if (message.kind === 'writes') {
        for (const b of message.batches) committing = committing.then(() => readModels.applyBatch(b.projection, b.version, b.writes, b.position));
        // a failed commit fails the result at once, whatever the worker sends next (and is never an unhandled rejection)
        committing.catch(reject);
        return;
      }
      ended = true;
      if (message.kind === 'failed') {
        reject(rebuiltError(message));
        return;
      }
      const { outcome, balances, projections } = message;
      committing.then(() => resolve({ outcome, balances, projections }), reject);
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (!ended) reject(new Error(`the fold's worker thread exited (code ${code}) without a result`));
    });
  });
  // the caller may fail first and never await it
  result.catch(() => undefined);
  return {
    result,
    get failure() {
      return failure;
    },
    stop: async () => void (await worker.terminate()),
  };
}

/** a damaged log is StoreCorrupted in whichever thread found it; anything else says where it failed */
function rebuiltError(failed: { name: string; message: string; stack: string | undefined }): Error {
  if (failed.name === 'StoreCorrupted') return new StoreCorrupted(failed.message);
  const error = new Error(`the fold's worker thread failed: ${failed.name}: ${failed.message}`);
  if (failed.stack) error.stack = `${error.stack}\n  in the worker thread: ${failed.stack}`;
  return error;
}
