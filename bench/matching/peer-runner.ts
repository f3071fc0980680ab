/**
 * One fresh process measuring nodejs-order-book (the TypeScript peer) on a workload file; prints
 * one JSON line. Its ESM build does not load in Node, so the CommonJS entry is required.
 * String ids and side names are built before timing, so the peer pays only for its own work.
 * Usage: node --expose-gc --import tsx bench/matching/peer-runner.ts <workloadPrefix> [reps=1]
 */
import { createRequire } from 'node:module';
import { depthHashOf } from '../../matching/book/hash.js';
import { CMD_CANCEL, CMD_LIMIT, type WorkloadColumns } from '../../matching/workload/format.js';
import { loadWorkload } from '../../matching/workload/files.js';
import { bytesPerRestingOrder, commandLatencyNs, medianPassNs, type ReplayTarget } from './measure.js';
import { MEMORY_RESTING_ORDERS, forceGc, type RunnerResult } from './stats.js';

interface PeerProcessResult { err: unknown }
interface PeerBook {
  limit(o: { id: string; side: string; size: number; price: number }): PeerProcessResult;
  market(o: { side: string; size: number }): PeerProcessResult & { quantityLeft?: number };
  cancel(id: string): unknown;
  depth(): [Array<[number, number]>, Array<[number, number]>];
}
const require = createRequire(import.meta.url);
const peer = require('nodejs-order-book') as { OrderBook: new () => PeerBook };
const peerVersion = (require('nodejs-order-book/package.json') as { version: string }).version;

const prefix = process.argv[2];
const reps = Number(process.argv[3] ?? 1);
if (prefix === undefined || !(reps >= 1)) throw new Error('usage: peer-runner.ts <workloadPrefix> [reps]');
const { columns: w } = loadWorkload(prefix);
const measured = w.total - w.prefill;
const ids: string[] = Array.from(w.id, (id) => String(id));
const SIDES = ['buy', 'sell'];

let errors = 0;
function replay(book: PeerBook, cols: WorkloadColumns, from: number, to: number): void {
  for (let i = from; i < to; i++) {
    const t = cols.type[i];
    let r: PeerProcessResult | undefined;
    if (t === CMD_LIMIT) {
      r = book.limit({ id: ids[i]!, side: SIDES[cols.side[i]!]!, size: cols.qtyLots[i]!, price: cols.priceTicks[i]! });
    } else if (t === CMD_CANCEL) {
      if (book.cancel(ids[i]!) === undefined) errors++;
    } else {
      r = book.market({ side: SIDES[cols.side[i]!]!, size: cols.qtyLots[i]! });
    }
    if (r !== undefined) {
      if (r.err !== null) errors++;
    }
  }
}

const target: ReplayTarget<PeerBook> = { fresh: () => new peer.OrderBook(), replay: (book, from, to) => replay(book, w, from, to) };

target.replay(target.fresh(), 0, w.total);
forceGc();
errors = 0;

const { elapsedNs, book } = medianPassNs(target, w.prefill, w.total, reps);
const [asks, bids] = book.depth();
const finalResting = (book as unknown as { orders: Record<string, unknown> }).orders === undefined
  ? NaN : Object.keys((book as unknown as { orders: Record<string, unknown> }).orders).length;
const finalDepthSha256 = depthHashOf(bids, asks);
const timedErrors = errors;

const latency = commandLatencyNs(target, w.prefill, w.total);

const memory = bytesPerRestingOrder(() => {
  const memoryBook = new peer.OrderBook();
  for (let i = 0; i < MEMORY_RESTING_ORDERS; i++) {
    const buy = (i & 1) === 0;
    memoryBook.limit({ id: String(i), side: buy ? 'buy' : 'sell', size: 1 + (i % 10), price: buy ? 9999 - (i % 500) : 10001 + (i % 500) });
  }
  return memoryBook;
});
void memory.book.depth();

const result: RunnerResult & { errors: number } = {
  name: `nodejs-order-book@${peerVersion}`,
  opsPerSec: Math.round(measured / (elapsedNs / 1e9)),
  ...latency,
  bytesPerRestingOrder: memory.bytesPerRestingOrder,
  finalResting,
  finalDepthSha256,
  errors: timedErrors,
};
process.stdout.write(`${JSON.stringify(result)}\n`);
