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
/**
 * Text queued for the thread before `whileWriting` blocks this one: enough for seconds of file
 * creation (a 100,000-user audit is ~320 MB of proofs; creating them takes 3–8 s here), bounded
 * so a larger audit does not hold all its text twice.
 */
const AHEAD_CHARS = 256 * 1024 * 1024;

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
 * `whileWriting` (optional) runs once in this thread, after up to AHEAD_CHARS of text is queued
 * for the writer, so a long synchronous computation overlaps with the file creation; if it
 * throws, the write rejects with its error.
 */
export async function writeFilesInThread(entries: Iterable<readonly [file: string, text: string]>, whileWriting?: () => void): Promise<void> {
  const worker = new Worker(new URL('./proofWriterThread.mjs', import.meta.url), {
    // plain JavaScript: no TypeScript loader in this thread
    execArgv: [],
  });
  try {
    await feed(worker, entries[Symbol.iterator](), whileWriting);
  } finally {
    await worker.terminate();
  }
}

function feed(worker: Worker, entries: Iterator<readonly [string, string]>, whileWriting: (() => void) | undefined): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let inFlight = 0;
    let exhausted = false;
    let settled = false;
    const fail = (error: Error): void => {
      if (settled) return;
      settled = true;
      reject(error);
    };
    /** posts the next batch; its text length, or -1 once there is nothing left */
    const sendBatch = (): number => {
      const files: string[] = [];
      const texts: string[] = [];
      let chars = 0;
      for (let next = entries.next(); ; next = entries.next()) {
        if (next.done) {
          exhausted = true;
          break;
        }
        files.push(next.value[0]);
        texts.push(next.value[1]);
        chars += next.value[1].length;
        if (files.length === BATCH_FILES) break;
      }
      if (files.length === 0) return -1;
      worker.postMessage({ files, texts });
      inFlight += 1;
      return chars;
    };
    const sendMore = (): void => {
      // after a failure nothing more is rendered or sent: the caller is already rejected
      if (settled) return;
      try {
        while (!exhausted && inFlight < MAX_BATCHES_IN_FLIGHT && sendBatch() >= 0);
      } catch (error) {
        fail(error as Error);
        return;
      }
      if (exhausted && inFlight === 0) {
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
    if (whileWriting !== undefined) {
      try {
        for (let queued = 0; queued < AHEAD_CHARS && !exhausted; ) {
          const chars = sendBatch();
          if (chars < 0) break;
          queued += chars;
        }
        whileWriting();
      } catch (error) {
        fail(error as Error);
        return;
      }
    }
    sendMore();
  });
}
