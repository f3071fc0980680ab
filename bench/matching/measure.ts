/**
 * The three measurements both runners take (the project's book and the peer), so the two stay
 * the same procedure: median throughput over fresh books, per-command latency in a separate
 * pass, and retained memory per resting order.
 */
import { MEMORY_RESTING_ORDERS, forceGc, median, percentileNs, retainedBytes } from './stats.js';

/** a book under test: how to make a fresh one and how to replay workload commands [from, to) into it */
export interface ReplayTarget<B> {
  fresh(): B;
  replay(book: B, from: number, to: number): void;
}

/**
 * The median of `reps` timed passes over [prefill, total), each on a fresh book given the
 * prefill untimed (on a shared 2-core machine one short pass is easily hit by a neighbour's
 * burst). `afterPass` checks each pass's book; the last book is returned for the final figures.
 */
export function medianPassNs<B>(target: ReplayTarget<B>, prefill: number, total: number, reps: number, afterPass?: (book: B) => void): { elapsedNs: number; book: B } {
  const passesNs: number[] = [];
  let book = target.fresh();
  for (let rep = 0; rep < reps; rep++) {
    book = target.fresh();
    target.replay(book, 0, prefill);
    const t0 = process.hrtime.bigint();
    target.replay(book, prefill, total);
    passesNs.push(Number(process.hrtime.bigint() - t0));
    afterPass?.(book);
  }
  return { elapsedNs: median(passesNs), book };
}

/** p50 / p99 / p99.9 of every command of [prefill, total) timed alone (the timer is inside every sample) */
export function commandLatencyNs<B>(target: ReplayTarget<B>, prefill: number, total: number): { p50Ns: number; p99Ns: number; p999Ns: number } {
  forceGc();
  const book = target.fresh();
  target.replay(book, 0, prefill);
  const latencyNs = new Float64Array(total - prefill);
  for (let i = prefill; i < total; i++) {
    const s = process.hrtime.bigint();
    target.replay(book, i, i + 1);
    latencyNs[i - prefill] = Number(process.hrtime.bigint() - s);
  }
  latencyNs.sort();
  return { p50Ns: percentileNs(latencyNs, 0.5), p99Ns: percentileNs(latencyNs, 0.99), p999Ns: percentileNs(latencyNs, 0.999) };
}

/**
 * Retained bytes per resting order (0.1 byte resolution) of the book `fill` builds with
 * MEMORY_RESTING_ORDERS passive orders; the book is returned so it stays reachable until the
 * caller checks it.
 */
export function bytesPerRestingOrder<B>(fill: () => B): { bytesPerRestingOrder: number; book: B } {
  forceGc();
  const before = retainedBytes();
  const book = fill();
  forceGc();
  const perOrder = (retainedBytes() - before) / MEMORY_RESTING_ORDERS;
  return { bytesPerRestingOrder: Math.round(perOrder * 10) / 10, book };
}
