import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { readFileIfExists, writeFileAtomic } from '../../eventstore/atomicFile.js';
import type { Position } from '../../eventstore/port.js';

/**
 * The workflow runner's checkpoint document: its position and what it derived from the log up
 * to that position (mark prices, instruments), saved together so a restart or a redelivery
 * decides exactly as the first delivery did (DESIGN §5: the mark "as of the event").
 */
export interface RunnerCheckpoint<M> {
  position: Position;
  memory: M;
}

export interface RunnerStateStore<M> {
  load(name: string): Promise<RunnerCheckpoint<M> | undefined>;
  save(name: string, checkpoint: RunnerCheckpoint<M>): Promise<void>;
}

export class MemoryRunnerStateStore<M> implements RunnerStateStore<M> {
  private readonly docs = new Map<string, string>();

  async load(name: string): Promise<RunnerCheckpoint<M> | undefined> {
    const text = this.docs.get(name);
    return text === undefined ? undefined : (JSON.parse(text) as RunnerCheckpoint<M>);
  }

  async save(name: string, checkpoint: RunnerCheckpoint<M>): Promise<void> {
    this.docs.set(name, JSON.stringify(checkpoint));
  }
}

/** One JSON file per consumer, replaced atomically (temp, fsync, rename, fsync dir). */
export class FileRunnerStateStore<M> implements RunnerStateStore<M> {
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly dir: string) {}

  private path(name: string): string {
    return join(this.dir, `${name}.runner.json`);
  }

  async load(name: string): Promise<RunnerCheckpoint<M> | undefined> {
    await this.chain.catch(() => undefined);
    const text = await readFileIfExists(this.path(name));
    if (text === undefined) return undefined;
    const parsed = JSON.parse(text) as RunnerCheckpoint<M>;
    if (typeof parsed.position !== 'string' || !/^\d+$/.test(parsed.position)) throw new Error(`runner checkpoint ${name} holds no position`);
    return parsed;
  }

  save(name: string, checkpoint: RunnerCheckpoint<M>): Promise<void> {
    const next = this.chain.catch(() => undefined).then(() => this.write(name, checkpoint));
    this.chain = next;
    return next;
  }

  private async write(name: string, checkpoint: RunnerCheckpoint<M>): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await writeFileAtomic(this.path(name), JSON.stringify(checkpoint));
  }

}
