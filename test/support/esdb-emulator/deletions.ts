import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Deleted and tombstoned streams. The EventStore port has no delete, so the emulator keeps this
 * itself: a soft delete hides a stream's events up to `truncateBefore` (EventStoreDB's `$tb`), a
 * tombstone makes the stream unusable for good. $all keeps showing the old events, as
 * EventStoreDB does until a scavenge. Persisted to a small JSON file when one is given, so a
 * disk-backed emulator remembers deletions across restarts.
 */
export type DeletionState = { kind: 'softDeleted'; truncateBefore: number } | { kind: 'tombstoned' };

export class DeletionRegistry {
  private readonly states = new Map<string, DeletionState>();

  constructor(private readonly file?: string) {
    if (!file) return;
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    const entries = JSON.parse(text) as [string, DeletionState][];
    for (const [stream, state] of entries) this.states.set(stream, state);
  }

  get(stream: string): DeletionState | undefined {
    return this.states.get(stream);
  }

  isTombstoned(stream: string): boolean {
    return this.states.get(stream)?.kind === 'tombstoned';
  }

  /** first revision still visible to stream reads */
  truncateBefore(stream: string): number {
    const state = this.states.get(stream);
    return state?.kind === 'softDeleted' ? state.truncateBefore : 0;
  }

  softDelete(stream: string, truncateBefore: number): void {
    this.states.set(stream, { kind: 'softDeleted', truncateBefore });
    this.persist();
  }

  tombstone(stream: string): void {
    this.states.set(stream, { kind: 'tombstoned' });
    this.persist();
  }

  private persist(): void {
    if (!this.file) return;
    mkdirSync(dirname(this.file), { recursive: true });
    const temporary = `${this.file}.tmp`;
    writeFileSync(temporary, JSON.stringify([...this.states]));
    renameSync(temporary, this.file);
  }
}
