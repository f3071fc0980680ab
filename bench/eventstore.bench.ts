/**
 * Embedded event store throughput and append latency, every append fsynced (group commit).
 * Prints one JSON line per case. Sizes: BENCH_EVENTS (default 200000 events per case).
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openEmbeddedStore } from '../eventstore/embedded/index.js';
import { NO_STREAM, type EventData } from '../eventstore/port.js';

const TOTAL_EVENTS = Number(process.env.BENCH_EVENTS ?? 200_000);

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

async function runCase(name: string, writers: number, eventsPerAppend: number): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'oec-bench-'));
  const store = await openEmbeddedStore({ dir: join(dir, 'events') });
  try {
    const appendsPerWriter = Math.max(1, Math.floor(TOTAL_EVENTS / eventsPerAppend / writers));
    const latenciesUs = new Float64Array(appendsPerWriter * writers);
    let sample = 0;
    const syncsBefore = store.stats().syncCount;
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
        writers,
        eventsPerAppend,
        events,
        appends: latenciesUs.length,
        seconds: Number(elapsedS.toFixed(3)),
        eventsPerSec: Math.round(events / elapsedS),
        p50Us: percentile(latenciesUs, 50),
        p99Us: percentile(latenciesUs, 99),
        fsyncs: store.stats().syncCount - syncsBefore,
      }),
    );
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}

await runCase('embedded-single-64-writers', 64, 1);
await runCase('embedded-batch-100-8-writers', 8, 100);
await runCase('embedded-batch-100-1-writer', 1, 100);
