/**
 * npm run bench:wal — one JSON line per case:
 *  1. durable commands/s through translation + book + WAL with group commit (fsync per batch):
 *     inputs are submitted in chunks as fast as the engine takes them, the clock stops when the
 *     last entry is fsynced;
 *  2. recovery time of that WAL (WAL_BENCH_COMMANDS entries, default 1,000,000) by full replay;
 *  3. recovery from the snapshot near the end plus the WAL tail.
 * Each input is delivered as the store delivers it: encoded into the embedded store's log record
 * and decoded from it (flat strings, JSON-parsed payloads). Handing the generator's objects over
 * directly would make the engine pay for what no store delivers: ids built by concatenation are
 * V8 cons strings, flattened on first read — that was ~40% of the engine's measured time.
 * Inputs are generated chunk by chunk (holding a million input objects would measure the
 * garbage collector, not the engine); the generation time is measured and left out (its garbage
 * is not: collections it causes during submits are charged to the engine).
 *
 * Besides wall-clock seconds each case reports cpuSeconds (process CPU, all threads) and
 * gcPauseSeconds (main-thread GC pauses): on a shared machine the wall clock alone says more
 * about the neighbours than about the engine.
 */
import { performance, PerformanceObserver } from 'node:perf_hooks';
import { FastBook } from '../matching/book/fast-book.js';
import { createMatchingEngine } from '../matching/engine/engine.js';
import { recoverEngine } from '../matching/engine/recovery.js';
import type { SourceEvent } from '../matching/engine/input.js';
import { decodeEvent, encodeRecord } from '../eventstore/embedded/codec.js';
import type { EventData } from '../eventstore/port.js';
import { INSTRUMENT, randomFlow, SYMBOL } from '../test/matching/support/flow.js';
import { makeTempDir } from '../test/support/tmpdir.js';

const COMMANDS = Number(process.env['WAL_BENCH_COMMANDS'] ?? 1_000_000);
const CHUNK = 4096;
const CREATED_MS = Date.UTC(2024, 0, 1);

// cancels and crossing orders keep the book near a steady size, as in a live market
const flow = randomFlow({ seed: 2024, idPrefix: 'b', users: 1000, spreadTicks: 100, cancelShare: 0.45 });

let gcPauseMs = 0;
/** main-thread GC pauses as [start, duration] (ms, performance clock), to charge them to the phase they fell in */
const gcPauses: Array<[number, number]> = [];
const gcObserver = new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    gcPauseMs += entry.duration;
    gcPauses.push([entry.startTime, entry.duration]);
  }
});
gcObserver.observe({ entryTypes: ['gc'] });
/** Runs `work`, returning its wall, CPU and GC-pause seconds (GC observations arrive asynchronously: settle first). */
async function measured<T>(work: () => Promise<T>): Promise<{ result: T; seconds: number; cpuSeconds: number; gcPauseSeconds: number }> {
  await settleGcObservations();
  const gc0 = gcPauseMs;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const result = await work();
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  await settleGcObservations();
  return { result, seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, gcPauseSeconds: (gcPauseMs - gc0) / 1000 };
}

const tmp = await makeTempDir('oec-walbench-');
try {
  const snapshotAt = Math.floor(COMMANDS * 0.9);
  const engine = createMatchingEngine({ instrument: INSTRUMENT, dir: tmp.dir, createBook: () => new FastBook(), snapshotEvery: snapshotAt, fsync: true });
  await engine.start();
  let generationMs = 0;
  let generationCpuSeconds = 0;
  const chunk: SourceEvent[] = new Array(CHUNK);
  /** the generation intervals, whose GC pauses are left out with them */
  const generation: Array<[number, number]> = [];
  const run = await measured(async () => {
    for (let i = 0; i < COMMANDS; i += CHUNK) {
      const n = Math.min(COMMANDS, i + CHUNK) - i;
      const g0 = performance.now();
      const c0 = process.cpuUsage();
      for (let j = 0; j < n; j++) chunk[j] = delivered(flow.next().value!, i + j + 1);
      const c = process.cpuUsage(c0);
      generationCpuSeconds += (c.user + c.system) / 1e6;
      const g1 = performance.now();
      generationMs += g1 - g0;
      generation.push([g0, g1]);
      for (let j = 0; j < n; j++) engine.submit(chunk[j]!);
      // let the WAL's sync run between chunks; the next chunk is processed while it is in flight
      await new Promise((resolve) => setImmediate(resolve));
    }
    await engine.flush();
  });
  const seconds = run.seconds - generationMs / 1000;
  const entries = engine.lastEntrySeq;
  const syncs = engine.walSyncCount;
  const resting = engine.book.restingCount();
  await engine.stop();
  console.log(JSON.stringify({
    case: 'wal-durable-throughput', commands: COMMANDS, entries, seconds: round(seconds), commandsPerSec: Math.round(COMMANDS / seconds),
    cpuSeconds: round(run.cpuSeconds - generationCpuSeconds), gcPauseSeconds: round(run.gcPauseSeconds - gcPausedDuring(generation) / 1000),
    inputGenerationSecondsExcluded: round(generationMs / 1000), fsyncs: syncs, entriesPerFsync: Math.round(entries / syncs), restingAtEnd: resting, target: '>= 200000 commands/s durable',
  }));

  for (const useSnapshots of [false, true]) {
    const { result: recovered, seconds, cpuSeconds, gcPauseSeconds } = await measured(
      () => recoverEngine({ dir: tmp.dir, symbol: SYMBOL, createBook: () => new FastBook(), useSnapshots, repair: false }));
    console.log(JSON.stringify({
      case: useSnapshots ? 'wal-recovery-snapshot-plus-tail' : 'wal-recovery-full-replay',
      walEntries: recovered.report.lastEntrySeq, snapshotSeq: recovered.report.snapshotSeq, replayedEntries: recovered.report.replayedEntries,
      seconds: round(seconds), entriesPerSec: Math.round(recovered.report.replayedEntries / seconds),
      cpuSeconds: round(cpuSeconds), gcPauseSeconds: round(gcPauseSeconds), target: '<= 2 s for 1,000,000 entries',
    }));
  }
} finally {
  gcObserver.disconnect();
  await tmp.remove();
}

/** Milliseconds of GC pause that started inside one of the (sorted, disjoint) intervals. */
function gcPausedDuring(intervals: Array<[number, number]>): number {
  let ms = 0;
  let i = 0;
  for (const [start, duration] of [...gcPauses].sort((a, b) => a[0] - b[0])) {
    while (i < intervals.length && intervals[i]![1] < start) i++;
    if (i < intervals.length && intervals[i]![0] <= start) ms += duration;
  }
  return ms;
}

/** GC performance entries are delivered on a later turn of the event loop. */
function settleGcObservations(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 10));
}

/** `event` as the embedded store hands it to a subscriber, at `position`. */
function delivered(event: EventData, position: number): SourceEvent {
  const frame = encodeRecord(`order-${event.data['orderId'] as string}`, event, 0, CREATED_MS);
  return decodeEvent(frame, 0, frame.length, String(position));
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
