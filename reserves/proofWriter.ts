/**
 * Proof files written by a thread of their own (proofWriterThread.mjs): this thread renders the
 * JSON while that one creates the files, and the event loop stays free for the API while an
 * audit publishes 100,000 proofs.
 */
import { Worker } from 'node:worker_threads';

/** files per message: large enough that messages cost nothing, small enough to keep both threads busy */
const BATCH_FILES = 512;
/** batches sent and not yet written: bounds the rendered text held in memory */
const MAX_BATCHES_IN_FLIGHT = 4;

type Reply = { written: number } | { error: { message: string; code?: string; path: string } };

export class ProofWriterError extends Error {
  override readonly name = 'ProofWriterError';

  constructor(message: string, readonly code: string | undefined, readonly path: string) {
    super(message);
  }
}

/**
 * Writes every (file, text) pair, each file created exclusively ('wx'); resolves once all are on
 * disk, rejects on the first failure (with the file system's error code, e.g. EEXIST) and writes
 * nothing after it. `entries` is consumed lazily, so rendering overlaps with writing.
 */
export async function writeFilesInThread(entries: Iterable<readonly [file: string, text: string]>): Promise<void> {
  const worker = new Worker(new URL('./proofWriterThread.mjs', import.meta.url), {
    // plain JavaScript: no TypeScript loader in this thread
    execArgv: [],
  });
  try {
    await feed(worker, entries[Symbol.iterator]());
  } finally {
    await worker.terminate();
  }
}

function feed(worker: Worker, entries: Iterator<readonly [string, string]>): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let inFlight = 0;
    let exhausted = false;
    let settled = false;
    const fail = (error: Error): void => {
      if (settled) return;
      settled = true;
      reject(error);
    };
    const sendMore = (): void => {
      try {
        while (!exhausted && inFlight < MAX_BATCHES_IN_FLIGHT) {
          const files: string[] = [];
          const texts: string[] = [];
          for (let next = entries.next(); ; next = entries.next()) {
            if (next.done) {
              exhausted = true;
              break;
            }
            files.push(next.value[0]);
            texts.push(next.value[1]);
            if (files.length === BATCH_FILES) break;
          }
          if (files.length === 0) break;
          worker.postMessage({ files, texts });
          inFlight += 1;
        }
      } catch (error) {
        fail(error as Error);
        return;
      }
      if (exhausted && inFlight === 0 && !settled) {
        settled = true;
        resolve();
      }
    };
    worker.on('message', (reply: Reply) => {
      if ('error' in reply) {
        fail(new ProofWriterError(`${reply.error.message}`, reply.error.code, reply.error.path));
        return;
      }
      inFlight -= 1;
      sendMore();
    });
    worker.once('error', fail);
    worker.once('exit', (code) => fail(new Error(`the proof writer thread exited (code ${code}) before every proof was written`)));
    sendMore();
  });
}
