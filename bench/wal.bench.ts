/**
 * npm run bench:wal — one JSON line per case:
 *  1. durable commands/s through translation + book + WAL with group commit (fsync per batch):
 *     inputs are submitted in chunks as fast as the engine takes them, the clock stops when the
 *     last entry is fsynced;
 *  2. recovery time of that WAL (WAL_BENCH_COMMANDS entries, default 1,000,000) by full replay;
 *  3. recovery from the snapshot near the end plus the WAL tail.
 * Inputs are generated chunk by chunk (holding a million input objects would measure the
 * garbage collector, not the engine); the generation time is measured and left out.
 */
import { performance } from 'node:perf_hooks';
import { FastBook } from '../matching/book/fast-book.js';
import { createMatchingEngine } from '../matching/engine/engine.js';
import { recoverEngine } from '../matching/engine/recovery.js';
import type { SourceEvent } from '../matching/engine/input.js';
import { asSource, INSTRUMENT, randomFlow, SYMBOL } from '../test/matching/support/flow.js';
import { makeTempDir } from '../test/support/tmpdir.js';

const COMMANDS = Number(process.env['WAL_BENCH_COMMANDS'] ?? 1_000_000);
const CHUNK = 4096;

// cancels and crossing orders keep the book near a steady size, as in a live market
const flow = randomFlow({ seed: 2024, idPrefix: 'b', users: 1000, spreadTicks: 100, cancelShare: 0.45 });

const tmp = await makeTempDir('oec-walbench-');
try {
  const snapshotAt = Math.floor(COMMANDS * 0.9);
  const engine = createMatchingEngine({ instrument: INSTRUMENT, dir: tmp.dir, createBook: () => new FastBook(), snapshotEvery: snapshotAt, fsync: true });
  await engine.start();
  const started = performance.now();
  let generationMs = 0;
  const chunk: SourceEvent[] = new Array(CHUNK);
  for (let i = 0; i < COMMANDS; i += CHUNK) {
    const n = Math.min(COMMANDS, i + CHUNK) - i;
    const g0 = performance.now();
    for (let j = 0; j < n; j++) chunk[j] = asSource(flow.next().value!, i + j + 1);
    generationMs += performance.now() - g0;
    for (let j = 0; j < n; j++) engine.submit(chunk[j]!);
    // let the WAL's sync run between chunks; the next chunk is processed while it is in flight
    await new Promise((resolve) => setImmediate(resolve));
  }
  await engine.flush();
  const seconds = (performance.now() - started - generationMs) / 1000;
  const entries = engine.lastEntrySeq;
  const syncs = engine.walSyncCount;
  const resting = engine.book.restingCount();
  await engine.stop();
  console.log(JSON.stringify({
    case: 'wal-durable-throughput', commands: COMMANDS, entries, seconds: round(seconds), commandsPerSec: Math.round(COMMANDS / seconds),
    inputGenerationSecondsExcluded: round(generationMs / 1000), fsyncs: syncs, entriesPerFsync: Math.round(entries / syncs), restingAtEnd: resting, target: '>= 200000 commands/s durable',
  }));

  for (const useSnapshots of [false, true]) {
    const t0 = performance.now();
    const recovered = await recoverEngine({ dir: tmp.dir, symbol: SYMBOL, createBook: () => new FastBook(), useSnapshots, repair: false });
    const recoverySeconds = (performance.now() - t0) / 1000;
    console.log(JSON.stringify({
      case: useSnapshots ? 'wal-recovery-snapshot-plus-tail' : 'wal-recovery-full-replay',
      walEntries: recovered.report.lastEntrySeq, snapshotSeq: recovered.report.snapshotSeq, replayedEntries: recovered.report.replayedEntries,
      seconds: round(recoverySeconds), entriesPerSec: Math.round(recovered.report.replayedEntries / recoverySeconds), target: '<= 2 s for 1,000,000 entries',
    }));
  }
} finally {
  await tmp.remove();
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
