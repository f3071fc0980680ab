/**
 * The EventStoreDB adapter over the wire emulator, with the real client, on both append paths.
 * Same cases as bench/eventstore.bench.ts; the emulator is backed by the embedded store on disk
 * (every append fsynced), so the figures are the embedded store's plus gRPC and the client.
 * Prints one JSON line per case. Sizes: BENCH_ESDB_EVENTS (default 20000 events per case).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEmbeddedStore } from '../eventstore/embedded/index.js';
import { EsdbEventStore } from '../eventstore/esdb/store.js';
import { withValidation } from '../eventstore/validating.js';
import { startEsdbEmulator } from '../test/support/esdb-emulator/server.js';
import { runAppendLoad } from './support/appendLoad.js';

const TOTAL_EVENTS = Number(process.env.BENCH_ESDB_EVENTS ?? 20_000);

async function runCase(name: string, batchAppend: boolean, writers: number, eventsPerAppend: number): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'oec-bench-esdb-'));
  const backing = await openEmbeddedStore({ dir: join(dir, 'events') });
  const emulator = await startEsdbEmulator({ store: backing, batchAppend });
  const store = withValidation(new EsdbEventStore({ connectionString: emulator.connectionString }));
  try {
    const figures = await runAppendLoad(store, writers, eventsPerAppend, TOTAL_EVENTS);
    console.log(JSON.stringify({ case: name, path: batchAppend ? 'BatchAppend' : 'Append', ...figures }));
  } finally {
    await store.close();
    await emulator.close();
    await backing.close();
    await rm(dir, { recursive: true, force: true });
  }
}

for (const batchAppend of [true, false]) {
  const path = batchAppend ? 'batchappend' : 'append';
  await runCase(`esdb-emulator-${path}-single-64-writers`, batchAppend, 64, 1);
  await runCase(`esdb-emulator-${path}-batch-100-8-writers`, batchAppend, 8, 100);
  await runCase(`esdb-emulator-${path}-batch-100-1-writer`, batchAppend, 1, 100);
}
