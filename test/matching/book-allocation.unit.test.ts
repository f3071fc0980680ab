/**
 * "No per-command allocation on the hot path", measured: after warm-up, replaying the standard
 * workload on the fast book must leave the JS heap where it was and trigger no GC. (A single boxed
 * number per command would add megabytes and scavenges here.)
 */
import test from 'ava';
import { GCProfiler, getHeapSpaceStatistics } from 'node:v8';
import { FastBook } from '../../matching/book/fast-book.js';
import type { BookSide, BookSink, ExpiryReasonCode, RejectCode } from '../../matching/book/types.js';
import { decodeColumns } from '../../matching/workload/format.js';
import { generateWorkload } from '../../matching/workload/generate.js';
import { replayRange } from '../../matching/workload/replay.js';

class CountingSink implements BookSink {
  calls = 0;
  rested(_i: number, _s: BookSide, _p: number, _q: number): void { this.calls++; }
  trade(_m: number, _mo: number, _t: number, _to: number, _s: BookSide, _p: number, _q: number): void { this.calls++; }
  cancelled(_i: number, _r: number): void { this.calls++; }
  expired(_i: number, _r: number, _reason: ExpiryReasonCode): void { this.calls++; }
  rejected(_i: number, _reason: RejectCode): void { this.calls++; }
}

const youngAndOldBytes = () => getHeapSpaceStatistics()
  .filter((s) => s.space_name === 'new_space' || s.space_name === 'old_space')
  .reduce((sum, s) => sum + s.space_used_size, 0);

test('replaying 300,000 workload commands allocates nothing on the JS heap', (t) => {
  const w = generateWorkload({ n: 300_000 });
  const cols = decodeColumns(w.buf, w.params.prefill);
  const sink = new CountingSink();
  for (let k = 0; k < 3; k++) replayRange(new FastBook(), cols, 0, cols.total, sink);

  const book = new FastBook({ initialOrders: 16_384 });
  replayRange(book, cols, 0, cols.prefill, sink);
  const profiler = new GCProfiler();
  profiler.start();
  const before = youngAndOldBytes();
  replayRange(book, cols, cols.prefill, cols.total, sink);
  const grownBytes = youngAndOldBytes() - before;
  const gcs = profiler.stop()?.statistics.length ?? 0;

  t.is(book.restingCount(), w.summary.finalResting);
  t.is(gcs, 0, 'a GC ran during the measured replay');
  t.true(grownBytes < 64 * 1024, `heap grew by ${grownBytes} bytes over ${w.params.n} commands`);
});
