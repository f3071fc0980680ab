/**
 * Embedded event store throughput and append latency, every append fsynced (group commit).
 * Prints one JSON line per case. Sizes: BENCH_EVENTS (default 200000 events per case).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEmbeddedStore } from '../eventstore/embedded/index.js';
import { runAppendLoad } from './support/appendLoad.js';

const TOTAL_EVENTS = Number(process.env.BENCH_EVENTS ?? 200_000);

async function runCase(name: string, writers: number, eventsPerAppend: number): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'oec-bench-'));
  const store = await openEmbeddedStore({ dir: join(dir, 'events') });
  try {
    const syncsBefore = store.stats().syncCount;
    const figures = await runAppendLoad(store, writers, eventsPerAppend, TOTAL_EVENTS);
    console.log(JSON.stringify({ case: name, ...figures, fsyncs: store.stats().syncCount - syncsBefore }));
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}

await runCase('embedded-single-64-writers', 64, 1);
await runCase('embedded-batch-100-8-writers', 8, 100);
await runCase('embedded-batch-100-1-writer', 1, 100);
