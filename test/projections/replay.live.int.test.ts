import test, { type ExecutionContext } from 'ava';
import { copyFile, mkdir, mkdtemp, readdir, rm, stat, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { embeddedLogDir, openEmbeddedStore, type EmbeddedEventStore } from '../../eventstore/embedded/index.js';
import type { Position } from '../../eventstore/port.js';
import { foldLog, type FoldResult } from '../../scripts/replay/fold.js';
import { randomScenario } from '../support/logBuilder.js';

/*
 * The parallel fold of a store that keeps being appended to while it runs (the live system):
 * both threads read the segment files up to the head the fold started from, never past it, while
 * the store writes behind it and rolls over to new segments. Its result must be the one-thread
 * fold of exactly that prefix of the log.
 */

async function tempDir(t: ExecutionContext): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'oec-replay-live-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** a copy of the log in `from` holding exactly the records up to `through` */
async function copyPrefix(from: string, to: string, nextPosition: Position | undefined): Promise<void> {
  await mkdir(to, { recursive: true });
  // a record's position is its byte offset + 1: the prefix ends where the next record starts
  const end = nextPosition === undefined ? Number.POSITIVE_INFINITY : Number(nextPosition) - 1;
  for (const name of (await readdir(from)).filter((n) => n.endsWith('.seg')).sort()) {
    const base = Number(name.slice(0, 20));
    if (base >= end) break;
    await copyFile(path.join(from, name), path.join(to, name));
    const { size } = await stat(path.join(to, name));
    if (end - base < size) await truncate(path.join(to, name), end - base);
  }
}

function same(t: ExecutionContext, parallel: FoldResult, single: FoldResult): void {
  t.is(parallel.stateHash, single.stateHash);
  t.deepEqual(parallel.models, single.models);
  t.deepEqual(parallel.violations, single.violations);
  t.deepEqual(parallel.ledgerBalances.rows(), single.ledgerBalances.rows());
  t.deepEqual(parallel.positions, single.positions);
  t.deepEqual(parallel.marks, single.marks);
  t.deepEqual(parallel.counts, single.counts);
  t.deepEqual(parallel.pending, single.pending);
  t.is(parallel.position, single.position);
  t.is(parallel.quiescentPosition, single.quiescentPosition);
}

test('appends go on while the parallel fold runs: it folds exactly the head it started from, equal to the one-thread fold of that prefix', async (t) => {
  const root = await tempDir(t);
  const builder = randomScenario({ seed: 11, steps: 450, users: 8 });
  const store: EmbeddedEventStore = await openEmbeddedStore({ dir: path.join(root, 'events'), segmentBytes: 64 * 1024 });
  t.teardown(() => store.close());
  const cut = Math.floor(builder.events.length * 0.3);
  await builder.writeTo(store, { to: cut });
  // the rest is written meanwhile, append after append, as the live store would
  const writing = builder.writeTo(store, { from: cut });
  // the fold starts from a head some way into the writing, and reads while it goes on
  await new Promise((resolve) => setTimeout(resolve, 50));
  const live = await foldLog(store, { parallel: true, allowPendingAtEnd: true });
  await writing;
  t.true(live.counts.events > cut);
  t.log(`folded ${live.counts.events} events (${cut} before the fold started)`);
  const all: Array<{ position: Position }> = [];
  for await (const e of store.readAll()) all.push(e);
  t.true(all.length > live.counts.events, 'the fold ran while the log grew');
  t.log(`${all.length} events in the end, ${(await readdir(embeddedLogDir(store)!)).length} segments`);
  const next = all[live.counts.events]?.position;
  t.is(all[live.counts.events - 1]!.position, live.position);

  await copyPrefix(embeddedLogDir(store)!, path.join(root, 'prefix'), next);
  const prefix = await openEmbeddedStore({ dir: path.join(root, 'prefix'), segmentBytes: 64 * 1024 });
  t.teardown(() => prefix.close());
  t.is(prefix.recovery.truncated, undefined);
  t.is(await prefix.headPosition(), live.position);
  same(t, live, await foldLog(prefix, { parallel: false, allowPendingAtEnd: true }));
  // and once the writing is over, the whole log folds alike in both
  same(t, await foldLog(store, { parallel: true, allowPendingAtEnd: true }), await foldLog(store, { parallel: false, allowPendingAtEnd: true }));
});
