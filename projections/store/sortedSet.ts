/**
 * The in-memory sorted set: Redis order (score, then member in code point order), kept sorted
 * on write so newest-first pages cost O(page), not a sort per read.
 */
import { compareCodePoints } from './keys.js';
import type { ZEntry } from './port.js';

function compareEntries(a: ZEntry, b: ZEntry): number {
  return a.score !== b.score ? (a.score < b.score ? -1 : 1) : compareCodePoints(a.member, b.member);
}

export class SortedSet {
  private readonly scores = new Map<string, number>();
  /** ascending */
  private entries: ZEntry[] = [];

  get size(): number {
    return this.entries.length;
  }

  score(member: string): number | null {
    return this.scores.get(member) ?? null;
  }

  add(score: number, member: string): void {
    const old = this.scores.get(member);
    if (old === score) return;
    if (old !== undefined) this.entries.splice(this.indexOf({ score: old, member }), 1);
    const entry = { score, member };
    const last = this.entries[this.entries.length - 1];
    // journals and lists grow at the newest end: append without a search
    if (last === undefined || compareEntries(last, entry) < 0) this.entries.push(entry);
    else this.entries.splice(this.lowerBound(entry), 0, entry);
    this.scores.set(member, score);
  }

  remove(member: string): void {
    const old = this.scores.get(member);
    if (old === undefined) return;
    this.entries.splice(this.indexOf({ score: old, member }), 1);
    this.scores.delete(member);
  }

  keepNewest(count: number): void {
    if (this.entries.length <= count) return;
    const removed = this.entries.splice(0, this.entries.length - count);
    for (const entry of removed) this.scores.delete(entry.member);
  }

  /** Redis ZRANGE ... REV rank semantics: inclusive, negative ranks from the end */
  revRange(start: number, stop: number): ZEntry[] {
    const length = this.entries.length;
    let from = start < 0 ? start + length : start;
    let to = stop < 0 ? stop + length : stop;
    if (from < 0) from = 0;
    if (to >= length) to = length - 1;
    const out: ZEntry[] = [];
    for (let rank = from; rank <= to; rank += 1) out.push({ ...this.entries[length - 1 - rank]! });
    return out;
  }

  revRangeByScore(max: number, min: number, offset: number, count: number | undefined): ZEntry[] {
    const out: ZEntry[] = [];
    let skipped = 0;
    for (let i = this.entries.length - 1; i >= 0; i -= 1) {
      const entry = this.entries[i]!;
      if (entry.score > max) continue;
      if (entry.score < min) break;
      if (skipped < offset) {
        skipped += 1;
        continue;
      }
      if (count !== undefined && out.length >= count) break;
      out.push({ ...entry });
    }
    return out;
  }

  all(): ZEntry[] {
    return this.entries.map((entry) => ({ ...entry }));
  }

  private lowerBound(probe: ZEntry): number {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareEntries(this.entries[mid]!, probe) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private indexOf(entry: ZEntry): number {
    return this.lowerBound(entry);
  }
}
