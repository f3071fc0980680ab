/**
 * One fresh process measuring the project's FastBook on a workload file; prints one JSON line.
 * Usage: node --expose-gc --import tsx bench/matching/engine-runner.ts <workloadPrefix> [reps=5]
 */
import { FastBook } from '../../matching/book/fast-book.js';
import { depthHash } from '../../matching/book/hash.js';
import { SIDE_BUY, SIDE_SELL, TIF_GTC, TYPE_LIMIT, type BookSide, type BookSink, type ExpiryReasonCode,
  type RejectCode } from '../../matching/book/types.js';
import { loadWorkload } from '../../matching/workload/files.js';
import { replayRange } from '../../matching/workload/replay.js';
import { bytesPerRestingOrder, commandLatencyNs, medianPassNs, type ReplayTarget } from './measure.js';
import { MEMORY_RESTING_ORDERS, forceGc, type RunnerResult } from './stats.js';

/** the cheapest honest sink: it reads what it is given, as a consumer would */
class CountingSink implements BookSink {
  makerFills = 0;
  tradedLots = 0;
  rests = 0;
  ends = 0;
  rejects = 0;
  rested(_orderId: number, _side: BookSide, _priceTicks: number, _qtyLots: number): void { this.rests++; }
  trade(_m: number, _mo: number, _t: number, _to: number, _s: BookSide, _p: number, qtyLots: number): void {
    this.makerFills++;
    this.tradedLots += qtyLots;
  }
  cancelled(_orderId: number, _remainingLots: number): void { this.ends++; }
  expired(_orderId: number, _remainingLots: number, _reason: ExpiryReasonCode): void { this.ends++; }
  rejected(_orderId: number, _reason: RejectCode): void { this.rejects++; }
}

const prefix = process.argv[2];
const reps = Number(process.argv[3] ?? 5);
if (prefix === undefined || !(reps >= 1)) throw new Error('usage: engine-runner.ts <workloadPrefix> [reps]');
const { columns: w } = loadWorkload(prefix);
const measured = w.total - w.prefill;

/** the book with the sink it reports to */
interface Measured { book: FastBook; sink: CountingSink }
const target: ReplayTarget<Measured> = {
  fresh: () => ({ book: new FastBook(), sink: new CountingSink() }),
  replay: ({ book, sink }, from, to) => replayRange(book, w, from, to, sink),
};

// warm-up: full passes on throwaway books so the timed pass runs optimised code
for (let k = 0; k < 3; k++) target.replay(target.fresh(), 0, w.total);
forceGc();

const { elapsedNs, book: { book, sink } } = medianPassNs(target, w.prefill, w.total, reps, ({ sink: passSink }) => {
  if (passSink.rejects !== 0) throw new Error(`the book rejected ${passSink.rejects} workload commands`);
});
const latency = commandLatencyNs(target, w.prefill, w.total);

// retained memory per resting order: fill a fresh book with passive orders near a mid price
const memory = bytesPerRestingOrder(() => {
  const memoryBook = new FastBook();
  const memorySink = new CountingSink();
  for (let i = 0; i < MEMORY_RESTING_ORDERS; i++) {
    const side = (i & 1) as BookSide;
    const price = side === SIDE_BUY ? 9999 - (i % 500) : 10001 + (i % 500);
    memoryBook.place(i, i, side === SIDE_BUY ? SIDE_BUY : SIDE_SELL, TYPE_LIMIT, TIF_GTC, price, 1 + (i % 10), memorySink);
  }
  return memoryBook;
});
if (memory.book.restingCount() !== MEMORY_RESTING_ORDERS) throw new Error('memory book did not rest every order');

const result: RunnerResult = {
  name: 'open-exchange-core FastBook',
  opsPerSec: Math.round(measured / (elapsedNs / 1e9)),
  ...latency,
  bytesPerRestingOrder: memory.bytesPerRestingOrder,
  finalResting: book.restingCount(),
  finalDepthSha256: depthHash(book),
  makerFills: sink.makerFills,
};
process.stdout.write(`${JSON.stringify(result)}\n`);
