/** Small helpers shared by the matching benchmark runners and their parent. */

export function percentileNs(sortedNs: Float64Array, p: number): number {
  if (sortedNs.length === 0) return NaN;
  const i = Math.min(sortedNs.length - 1, Math.ceil(p * sortedNs.length) - 1);
  return sortedNs[Math.max(0, i)]!;
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function forceGc(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run with node --expose-gc (the memory figure needs a full GC)');
  gc();
  gc();
}

/** everything the process holds: JS heap plus off-heap buffers (typed array backing stores) */
export function retainedBytes(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}

/** what a runner prints (one JSON line on stdout) */
export interface RunnerResult {
  name: string;
  opsPerSec: number;
  p50Ns: number;
  p99Ns: number;
  p999Ns: number;
  bytesPerRestingOrder: number;
  finalResting: number;
  finalDepthSha256: string;
  /** maker fills in the timed pass (prefill included), when the runner can count them */
  makerFills?: number;
}

export const MEMORY_RESTING_ORDERS = 100_000;
