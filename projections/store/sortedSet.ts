/**
 * The in-memory sorted set: Redis order (score, then member in code point order), kept sorted
 * on write so newest-first pages cost O(page), not a sort per read.
 */
import { compareCodePoints } from './keys.js';
import type { ZEntry } from './port.js';

function compareEntries(a: ZEntry, b: ZEntry): number {
  return a.score !== b.score ? (a.score < b.score ? -1 : 1) : compareCodePoints(a.member, b.member);
}

/** a copy for a reader (an export copies every entry of every set): a literal, not a spread */
function copyOf(entry: ZEntry): ZEntry {
  return { score: entry.score, member: entry.member };
}

export class SortedSet {
  /**
   * member → score, built on first need. Until then every entry has the same score and the
   * members only grew at the newest end — a journal or a log-ordered list — so an add there can
   * tell a new member from the last one alone, and long members are never hashed.
   */
  private scores: Map<string, number> | null = null;
  /** ascending */
  private entries: ZEntry[] = [];

  get size(): number {
    return this.entries.length;
  }

  score(member: string): number | null {
    return this.index().get(member) ?? null;
  }

  add(score: number, member: string): void {
    if (this.scores === null) {
      const length = this.entries.length;
      // one score throughout and members ascending: a member after the last one is new
      if (length === 0 || (this.entries[0]!.score === score && compareCodePoints(this.entries[length - 1]!.member, member) < 0)) {
        this.entries.push({ score, member });
        return;
      }
    }
    const scores = this.index();
    const old = scores.get(member);
    if (old === score) return;
    if (old !== undefined) this.entries.splice(this.indexOf({ score: old, member }), 1);
    const entry = { score, member };
    const last = this.entries[this.entries.length - 1];
    // journals and lists grow at the newest end: append without a search
    if (last === undefined || compareEntries(last, entry) < 0) this.entries.push(entry);
    else this.entries.splice(this.lowerBound(entry), 0, entry);
    scores.set(member, score);
  }

  remove(member: string): void {
    const scores = this.index();
    const old = scores.get(member);
    if (old === undefined) return;
    this.entries.splice(this.indexOf({ score: old, member }), 1);
    scores.delete(member);
  }

  keepNewest(count: number): void {
    if (this.entries.length <= count) return;
    const removed = this.entries.splice(0, this.entries.length - count);
    // without an index the rest is still one score, ascending
    if (this.scores !== null) for (const entry of removed) this.scores.delete(entry.member);
  }

  /** Redis ZRANGE ... REV rank semantics: inclusive, negative ranks from the end */
  revRange(start: number, stop: number): ZEntry[] {
    const length = this.entries.length;
    let from = start < 0 ? start + length : start;
    let to = stop < 0 ? stop + length : stop;
    if (from < 0) from = 0;
    if (to >= length) to = length - 1;
    const out: ZEntry[] = [];
    for (let rank = from; rank <= to; rank += 1) out.push(copyOf(this.entries[length - 1 - rank]!));
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
      out.push(copyOf(entry));
    }
    return out;
  }

  /** the entries themselves, ascending, for a reader that only looks (the replay's state hash): never to be changed */
  inOrder(): readonly Readonly<ZEntry>[] {
    return this.entries;
  }

  all(): ZEntry[] {
    const out: ZEntry[] = new Array(this.entries.length);
    for (let i = 0; i < out.length; i++) out[i] = copyOf(this.entries[i]!);
    return out;
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

  private index(): Map<string, number> {
    if (this.scores === null) {
      this.scores = new Map();
      for (const entry of this.entries) this.scores.set(entry.member, entry.score);
    }
    return this.scores;
  }
}
