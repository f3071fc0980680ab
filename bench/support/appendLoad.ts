/**
 * The append load both event-store benchmarks drive (embedded store, EventStoreDB adapter), so
 * their figures compare: `writers` concurrent streams, each appending batches of
 * `eventsPerAppend` at its exact expected revision, every append timed.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { NO_STREAM, type EventData, type EventStore } from '../../eventstore/port.js';

/** a deposit-sized event, as the exchange writes them */
export function depositEvent(i: number): EventData {
  return {
    id: randomUUID(),
    type: 'FundsDeposited',
    data: { asset: 'USDT', amount: '1250.50000000', txId: `tx-${i}` },
    metadata: { $correlationId: 'bench', $causationId: 'bench', idempotencyKey: `k-${i}`, occurredAt: '2024-01-01T00:00:00.000Z', schemaVersion: 1 },
  };
}

/** the p-th percentile (0..100) of ascending latencies, nearest rank below, rounded */
export function percentile(sortedUs: Float64Array, p: number): number {
  return Math.round(sortedUs[Math.min(sortedUs.length - 1, Math.floor((sortedUs.length * p) / 100))]!);
}

export interface AppendLoadFigures {
  writers: number;
  eventsPerAppend: number;
  events: number;
  appends: number;
  seconds: number;
  eventsPerSec: number;
  p50Us: number;
  p99Us: number;
}

/** Runs about `totalEvents` events through `store` (at least one append per writer) and measures. */
export async function runAppendLoad(store: EventStore, writers: number, eventsPerAppend: number, totalEvents: number): Promise<AppendLoadFigures> {
  const appendsPerWriter = Math.max(1, Math.floor(totalEvents / eventsPerAppend / writers));
  const latenciesUs = new Float64Array(appendsPerWriter * writers);
  let sample = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      const stream = `bench-${w}`;
      for (let a = 0; a < appendsPerWriter; a++) {
        const batch = Array.from({ length: eventsPerAppend }, (_, i) => depositEvent(a * eventsPerAppend + i));
        const t0 = performance.now();
        await store.append(stream, batch, a === 0 ? NO_STREAM : a * eventsPerAppend - 1);
        latenciesUs[sample++] = (performance.now() - t0) * 1000;
      }
    }),
  );
  const elapsedS = (performance.now() - started) / 1000;
  const events = appendsPerWriter * writers * eventsPerAppend;
  latenciesUs.sort();
  return {
    writers,
    eventsPerAppend,
    events,
    appends: latenciesUs.length,
    seconds: Number(elapsedS.toFixed(3)),
    eventsPerSec: Math.round(events / elapsedS),
    p50Us: percentile(latenciesUs, 50),
    p99Us: percentile(latenciesUs, 99),
  };
}
