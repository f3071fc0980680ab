import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { readFileIfExists, writeFileAtomic } from './atomicFile.js';
import { InvalidEventData, StoreCorrupted } from './errors.js';
import type { Position } from './port.js';

/**
 * Where a consumer remembers how far it got (DESIGN §3.4): outside the event log, so an idle
 * system appends nothing. A checkpoint is the position of the last event fully handled.
 */
export interface CheckpointStore {
  load(name: string): Promise<Position | undefined>;
  save(name: string, position: Position): Promise<void>;
}

const CONSUMER_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

function assertConsumerName(name: string): void {
  if (!CONSUMER_NAME.test(name)) throw new InvalidEventData(`invalid checkpoint name ${JSON.stringify(name)}`);
}

export class MemoryCheckpointStore implements CheckpointStore {
  private readonly positions = new Map<string, Position>();

  async load(name: string): Promise<Position | undefined> {
    assertConsumerName(name);
    return this.positions.get(name);
  }

  async save(name: string, position: Position): Promise<void> {
    assertConsumerName(name);
    this.positions.set(name, position);
  }
}

/**
 * One small file per consumer under `dir`, replaced atomically (writeFileAtomic): a crash leaves
 * the old or the new checkpoint, never a torn one. Saves of one consumer are serialised so an
 * older one never lands last.
 */
export class FileCheckpointStore implements CheckpointStore {
  private readonly chains = new Map<string, Promise<void>>();
  private dirReady: Promise<unknown> | undefined;

  constructor(private readonly dir: string) {}

  private path(name: string): string {
    return join(this.dir, `${name}.checkpoint.json`);
  }

  async load(name: string): Promise<Position | undefined> {
    assertConsumerName(name);
    await this.chains.get(name);
    const text = await readFileIfExists(this.path(name));
    if (text === undefined) return undefined;
    const parsed = JSON.parse(text) as { position?: unknown };
    if (typeof parsed.position !== 'string' || !/^\d+$/.test(parsed.position)) throw new StoreCorrupted(`checkpoint ${name} holds no position: ${text}`);
    return parsed.position;
  }

  save(name: string, position: Position): Promise<void> {
    try {
      assertConsumerName(name);
    } catch (error) {
      return Promise.reject(error);
    }
    const previous = this.chains.get(name) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => this.write(name, position));
    this.chains.set(name, next);
    void next.finally(() => {
      if (this.chains.get(name) === next) this.chains.delete(name);
    }).catch(() => undefined);
    return next;
  }

  private async write(name: string, position: Position): Promise<void> {
    await (this.dirReady ??= mkdir(this.dir, { recursive: true }));
    await writeFileAtomic(this.path(name), `${JSON.stringify({ position, savedAt: new Date().toISOString() })}\n`);
  }
}
