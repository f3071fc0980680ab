import { randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Aggregate snapshots (state + revision) kept beside the log, so loading an aggregate reads a
 * snapshot plus the events after it instead of its whole history (DESIGN §8). A snapshot is
 * only an accelerator: a missing or unreadable one means "read the stream from the start", so
 * it needs no fsync — an atomic rename is enough to never read a torn file.
 */
export interface AggregateSnapshot {
  revision: number;
  state: unknown;
}

export interface SnapshotStore {
  load(stream: string): Promise<AggregateSnapshot | undefined>;
  save(stream: string, snapshot: AggregateSnapshot): Promise<void>;
}

export class MemorySnapshotStore implements SnapshotStore {
  private readonly snapshots = new Map<string, string>();

  async load(stream: string): Promise<AggregateSnapshot | undefined> {
    const text = this.snapshots.get(stream);
    return text === undefined ? undefined : (JSON.parse(text) as AggregateSnapshot);
  }

  async save(stream: string, snapshot: AggregateSnapshot): Promise<void> {
    // serialised like the file store, so a state that is not plain JSON fails in tests too
    this.snapshots.set(stream, JSON.stringify(snapshot));
  }

  get size(): number {
    return this.snapshots.size;
  }
}

/** One file per stream under `dir/{category}/`; stream ids only hold [A-Za-z0-9_.:-]. */
export class FileSnapshotStore implements SnapshotStore {
  private readonly ready = new Map<string, Promise<unknown>>();
  /** the newest save of a stream wins even when writes overlap */
  private readonly latest = new Map<string, number>();

  constructor(private readonly dir: string) {}

  private pathOf(stream: string): { folder: string; file: string } {
    const dash = stream.indexOf('-');
    const folder = join(this.dir, stream.slice(0, dash));
    return { folder, file: join(folder, `${stream.slice(dash + 1).replaceAll(':', '%3A')}.json`) };
  }

  async load(stream: string): Promise<AggregateSnapshot | undefined> {
    let text: string;
    try {
      text = await readFile(this.pathOf(stream).file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    try {
      const parsed = JSON.parse(text) as { stream?: unknown; revision?: unknown; state?: unknown };
      if (parsed.stream !== stream || typeof parsed.revision !== 'number' || !Number.isSafeInteger(parsed.revision) || parsed.revision < 0) return undefined;
      return { revision: parsed.revision, state: parsed.state };
    } catch {
      return undefined;
    }
  }

  async save(stream: string, snapshot: AggregateSnapshot): Promise<void> {
    if ((this.latest.get(stream) ?? -1) >= snapshot.revision) return;
    this.latest.set(stream, snapshot.revision);
    const { folder, file } = this.pathOf(stream);
    let ready = this.ready.get(folder);
    if (!ready) this.ready.set(folder, (ready = mkdir(folder, { recursive: true })));
    await ready;
    const temp = join(folder, `.${randomUUID()}.tmp`);
    const handle = await open(temp, 'w');
    try {
      await handle.writeFile(JSON.stringify({ stream, revision: snapshot.revision, state: snapshot.state }));
    } finally {
      await handle.close();
    }
    if (this.latest.get(stream) !== snapshot.revision) {
      await rm(temp, { force: true });
      return;
    }
    await rename(temp, file);
  }
}
