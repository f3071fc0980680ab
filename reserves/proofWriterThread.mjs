// The proof files' writer thread (reserves/write.ts). Plain JavaScript, run without tsx: it only
// creates files, and starting it must cost milliseconds, not a TypeScript loader.
//
// Synchronous open/write/close in one thread: creating a file waits in the kernel, and here
// 100,000 creates took about half the wall time and a third of the CPU of the same writes
// through the libuv pool (32 in flight), whose per-file hops cost user and system time too.
import { closeSync, openSync, writeFileSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';

let failed = false;

parentPort.on('message', (batch) => {
  // after a failure the rest of what is queued is dropped: the caller rejects on the first error
  if (failed) return;
  const { files, texts } = batch;
  for (let i = 0; i < files.length; i += 1) {
    try {
      // 'wx': a proof file never replaces an existing one
      const fd = openSync(files[i], 'wx', 0o644);
      try {
        // with a descriptor, writeFileSync loops until every byte is written
        writeFileSync(fd, texts[i]);
      } finally {
        closeSync(fd);
      }
    } catch (error) {
      failed = true;
      parentPort.postMessage({ error: { message: error.message, code: error.code, path: files[i] } });
      return;
    }
  }
  parentPort.postMessage({ written: files.length });
});
