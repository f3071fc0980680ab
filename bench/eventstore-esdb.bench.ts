/**
 * The EventStoreDB adapter over the wire emulator, with the real client, on both append paths.
 * Same cases as bench/eventstore.bench.ts; the emulator is backed by the embedded store on disk
 * (every append fsynced), so the figures are the embedded store's plus gRPC and the client.
 * Prints one JSON line per case. Sizes: BENCH_ESDB_EVENTS (default 20000 events per case).
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openEmbeddedStore } from '../eventstore/embedded/index.js';
import { EsdbEventStore } from '../eventstore/esdb/store.js';
import { NO_STREAM, type EventData } from '../eventstore/port.js';
import { withValidation } from '../eventstore/validating.js';
import { startEsdbEmulator } from '../test/support/esdb-emulator/server.js';

const TOTAL_EVENTS = Number(process.env.BENCH_ESDB_EVENTS ?? 20_000);

function eventData(i: number): EventData {
  return {
    id: randomUUID(),
    type: 'FundsDeposited',
    data: { asset: 'USDT', amount: '1250.50000000', txId: `tx-${i}` },
    metadata: { $correlationId: 'bench', $causationId: 'bench', idempotencyKey: `k-${i}`, occurredAt: '2024-01-01T00:00:00.000Z', schemaVersion: 1 },
  };
}

function percentile(sortedUs: Float64Array, p: number): number {
  return Math.round(sortedUs[Math.min(sortedUs.length - 1, Math.floor((sortedUs.length * p) / 100))]!);
}

async function runCase(name: string, batchAppend: boolean, writers: number, eventsPerAppend: number): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'oec-bench-esdb-'));
  const backing = await openEmbeddedStore({ dir: join(dir, 'events') });
  const emulator = await startEsdbEmulator({ store: backing, batchAppend });
  const store = withValidation(new EsdbEventStore({ connectionString: emulator.connectionString }));
  try {
    const appendsPerWriter = Math.max(1, Math.floor(TOTAL_EVENTS / eventsPerAppend / writers));
    const latenciesUs = new Float64Array(appendsPerWriter * writers);
    let sample = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: writers }, async (_, w) => {
        const stream = `bench-${w}`;
        for (let a = 0; a < appendsPerWriter; a++) {
          const batch = Array.from({ length: eventsPerAppend }, (_, i) => eventData(a * eventsPerAppend + i));
          const t0 = performance.now();
          await store.append(stream, batch, a === 0 ? NO_STREAM : a * eventsPerAppend - 1);
          latenciesUs[sample++] = (performance.now() - t0) * 1000;
        }
      }),
    );
    const elapsedS = (performance.now() - started) / 1000;
    const events = appendsPerWriter * writers * eventsPerAppend;
    latenciesUs.sort();
    console.log(
      JSON.stringify({
        case: name,
        path: batchAppend ? 'BatchAppend' : 'Append',
        writers,
        eventsPerAppend,
        events,
        appends: latenciesUs.length,
        seconds: Number(elapsedS.toFixed(3)),
        eventsPerSec: Math.round(events / elapsedS),
        p50Us: percentile(latenciesUs, 50),
        p99Us: percentile(latenciesUs, 99),
      }),
    );
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
