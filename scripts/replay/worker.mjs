// Entry of the fold's worker threads. A worker does not get the parent's tsx loader (Node 20
// loads the entry before the inherited --import hooks apply), so it registers tsx itself and
// then imports the TypeScript module named in workerData.entry.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
