/**
 * The standard matching workload (v1), re-implemented from its published definition.
 *
 * The stream is produced by running a reference book while generating, so that every CANCEL
 * targets an order resting at that moment under strict price-time priority. Per command i
 * (prefill commands are passive limits and draw no mix number):
 *   u = rand(): u < pLimit → LIMIT, u < pLimit + pMarket → MARKET, else CANCEL
 *               (CANCEL on an empty book becomes a LIMIT)
 *   LIMIT:  side = rand() < 0.5 ? BUY : SELL; qty = 1 + floor(10·rand());
 *           pA = clamp(pAggBase + pAggGain·(R − T)/T, 0, 1) (0 in prefill), R = resting orders,
 *           T = targetResting — a controller that holds the book near T orders;
 *           a = rand(), v = rand() (both always drawn);
 *           aggressive (a < pA): BUY at mid+1+floor(3v), SELL at mid−1−floor(3v);
 *           passive: g = floor(50·v²), BUY at mid−1−g, SELL at mid+1+g; GTC.
 *   MARKET: side, qty as LIMIT; IOC, remainder dropped.
 *   CANCEL: k = floor(rand()·R) into a swap-remove array of live ids (appended when an order
 *           rests, removed when it fills completely or is cancelled).
 * Ids are command indexes (a MARKET consumes one too).
 */
import { createHash } from 'node:crypto';
import { depthHash } from '../book/hash.js';
import { ReferenceBook } from '../book/reference-book.js';
import {
  SIDE_BUY, SIDE_SELL, TIF_GTC, TIF_IOC, TYPE_LIMIT, TYPE_MARKET,
  type BookSide, type BookSink, type ExpiryReasonCode, type OrderBook, type RejectCode,
} from '../book/types.js';
import { CMD_CANCEL, CMD_LIMIT, CMD_MARKET, RECORD_BYTES, writeRecord } from './format.js';
import { mulberry32 } from './prng.js';
import { UNBOUNDED_BUY_TICKS, UNBOUNDED_SELL_TICKS } from './replay.js';

export interface WorkloadParams {
  version: number;
  seed: number;
  n: number;
  prefill: number;
  mid: number;
  band: number;
  pLimit: number;
  pMarket: number;
  targetResting: number;
  pAggBase: number;
  pAggGain: number;
}

export const WORKLOAD_V1: WorkloadParams = {
  version: 1,
  seed: 0xc0ffee,
  n: 1_000_000,
  prefill: 5_000,
  mid: 10000,
  band: 50,
  pLimit: 0.60,
  pMarket: 0.10,
  targetResting: 5_000,
  pAggBase: 0.26,
  pAggGain: 0.3,
};

export const WORKLOAD_V1_DEEP: WorkloadParams = { ...WORKLOAD_V1, targetResting: 20_000 };

export interface WorkloadSummary {
  limit: number;
  limitAggressive: number;
  market: number;
  cancel: number;
  restingMin: number;
  restingMax: number;
  restingAvg: number;
  makerFills: number;
  tradedQty: number;
  finalResting: number;
  finalLevels: [number, number];
  finalBestBid: number | undefined;
  finalBestAsk: number | undefined;
  finalDepthSha256: string;
}

export interface GeneratedWorkload {
  params: WorkloadParams;
  buf: Buffer;
  sha256: string;
  summary: WorkloadSummary;
}

export class WorkloadGenerationError extends Error {
  override name = 'WorkloadGenerationError';
}

/** Tracks the live ids the way the definition does (swap-remove array) from the book's outputs. */
class LiveOrders implements BookSink {
  readonly ids: Int32Array;
  readonly position: Int32Array;
  readonly sideOf: Uint8Array;
  count = 0;
  makerFills = 0;
  tradedQty = 0;

  constructor(totalCommands: number) {
    this.ids = new Int32Array(totalCommands);
    this.position = new Int32Array(totalCommands);
    this.sideOf = new Uint8Array(totalCommands);
  }

  remove(id: number): void {
    const i = this.position[id]!;
    const last = this.ids[--this.count]!;
    if (last !== id) {
      this.ids[i] = last;
      this.position[last] = i;
    }
  }

  rested(orderId: number, side: BookSide): void {
    this.position[orderId] = this.count;
    this.ids[this.count++] = orderId;
    this.sideOf[orderId] = side;
  }

  trade(makerOrderId: number, _mo: number, _t: number, _to: number, _s: BookSide, _p: number, qtyLots: number,
        makerRemainingLots: number): void {
    this.makerFills++;
    this.tradedQty += qtyLots;
    if (makerRemainingLots === 0) this.remove(makerOrderId);
  }

  cancelled(orderId: number): void {
    this.remove(orderId);
  }

  expired(_orderId: number, _remainingLots: number, _reason: ExpiryReasonCode): void {
    // MARKET remainders are dropped by definition
  }

  rejected(orderId: number, reason: RejectCode): void {
    throw new WorkloadGenerationError(`the generating book rejected order ${orderId} (code ${reason})`);
  }
}

export function generateWorkload(params: Partial<WorkloadParams> = {},
                                 book: OrderBook = new ReferenceBook()): GeneratedWorkload {
  const p: WorkloadParams = { ...WORKLOAD_V1, ...params };
  const total = p.prefill + p.n;
  const buf = Buffer.alloc(total * RECORD_BYTES);
  const rand = mulberry32(p.seed);
  const live = new LiveOrders(total);
  const s = { limit: 0, limitAggressive: 0, market: 0, cancel: 0, restingSum: 0, restingMin: Infinity, restingMax: 0 };
  const mid = p.mid;

  for (let i = 0; i < total; i++) {
    const isPrefill = i < p.prefill;
    let u = isPrefill ? 0 : rand();
    if (!isPrefill && u >= p.pLimit + p.pMarket && live.count === 0) u = 0;
    if (u < p.pLimit) {
      const side: BookSide = rand() < 0.5 ? SIDE_BUY : SIDE_SELL;
      const qty = 1 + Math.floor(rand() * 10);
      const resting = book.restingCount();
      let pA = isPrefill ? 0 : p.pAggBase + p.pAggGain * (resting - p.targetResting) / p.targetResting;
      pA = pA < 0 ? 0 : pA > 1 ? 1 : pA;
      const a = rand();
      const v = rand();
      let price: number;
      if (a < pA) {
        price = side === SIDE_BUY ? mid + 1 + Math.floor(3 * v) : mid - 1 - Math.floor(3 * v);
        if (!isPrefill) s.limitAggressive++;
      } else {
        const g = Math.floor(50 * v * v);
        price = side === SIDE_BUY ? mid - 1 - g : mid + 1 + g;
      }
      writeRecord(buf, i, CMD_LIMIT, side, price, qty, i);
      book.place(i, i, side, TYPE_LIMIT, TIF_GTC, price, qty, live);
      if (!isPrefill) s.limit++;
    } else if (u < p.pLimit + p.pMarket) {
      const side: BookSide = rand() < 0.5 ? SIDE_BUY : SIDE_SELL;
      const qty = 1 + Math.floor(rand() * 10);
      writeRecord(buf, i, CMD_MARKET, side, 0, qty, i);
      book.place(i, i, side, TYPE_MARKET, TIF_IOC, side === SIDE_BUY ? UNBOUNDED_BUY_TICKS : UNBOUNDED_SELL_TICKS,
        qty, live);
      s.market++;
    } else {
      const id = live.ids[Math.floor(rand() * live.count)]!;
      writeRecord(buf, i, CMD_CANCEL, live.sideOf[id]!, 0, 0, id);
      book.cancel(id, live);
      s.cancel++;
    }
    if (!isPrefill) {
      const resting = book.restingCount();
      s.restingSum += resting;
      if (resting < s.restingMin) s.restingMin = resting;
      if (resting > s.restingMax) s.restingMax = resting;
    }
  }
  if (live.count !== book.restingCount()) {
    throw new WorkloadGenerationError(`live ids ${live.count} != resting orders ${book.restingCount()}`);
  }
  const bids = book.depth(SIDE_BUY, Infinity);
  const asks = book.depth(SIDE_SELL, Infinity);
  return {
    params: p,
    buf,
    sha256: createHash('sha256').update(buf).digest('hex'),
    summary: {
      limit: s.limit, limitAggressive: s.limitAggressive, market: s.market, cancel: s.cancel,
      restingMin: s.restingMin, restingMax: s.restingMax, restingAvg: Math.round(s.restingSum / p.n),
      makerFills: live.makerFills, tradedQty: live.tradedQty,
      finalResting: book.restingCount(),
      finalLevels: [bids.length, asks.length],
      finalBestBid: book.bestBid(), finalBestAsk: book.bestAsk(),
      finalDepthSha256: depthHash(book),
    },
  };
}
