/**
 * runAndWriteProofOfReserves (the state hash computed while the proofs are written) publishes
 * exactly what the two-step path does — runProofOfReserves, then writeProofOfReserves — on a
 * log on disk folded by two threads and on one in memory; and the published root carries the
 * fold's eager state hash.
 */
import { readFile, readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import test from 'ava';
import { createInMemoryStore, openEmbeddedStore } from '../../eventstore/embedded/index.js';
import type { EventStore } from '../../eventstore/port.js';
import { runAndWriteProofOfReserves, runProofOfReserves, writeProofOfReserves } from '../../scripts/por/run.js';
import { foldLog } from '../../scripts/replay/fold.js';
import { makeTempDir } from '../support/tmpdir.js';
import { porScenario } from './por-logs.js';

async function filesOf(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const name of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!name.isFile()) continue;
    const file = join(name.parentPath, name.name);
    out.set(relative(dir, file), await readFile(file, 'utf8'));
  }
  return out;
}

for (const onDisk of [false, true]) {
  test(`the overlapped run publishes the same files as the two-step one (${onDisk ? 'log on disk, two-thread fold' : 'log in memory'})`, async (t) => {
    const tmp = await makeTempDir('oec-por-run-');
    t.teardown(tmp.remove);
    let store: EventStore;
    if (onDisk) {
      const disk = await openEmbeddedStore({ dir: join(tmp.dir, 'events') });
      t.teardown(() => disk.close());
      store = disk;
    } else {
      store = createInMemoryStore();
    }
    await porScenario({ seed: 424242, steps: 200, users: 6 }).builder.writeTo(store);
    const options = { at: 'latest' as const, auditId: 'run-write-1', auditSecret: Buffer.alloc(32, 77), parallelFold: true };

    const twoStep = await runProofOfReserves(store, options);
    await writeProofOfReserves(twoStep, join(tmp.dir, 'a'), join(tmp.dir, 'secrets-a'));
    const { result, written } = await runAndWriteProofOfReserves(store, options, (auditId) => join(tmp.dir, 'b', auditId), join(tmp.dir, 'secrets-b'));

    t.true(result.report.ok);
    t.is(result.audit.root.stateHash, (await foldLog(store)).stateHash);
    t.deepEqual(result.audit, twoStep.audit);
    t.deepEqual(result.report, twoStep.report);
    t.is(written.rootFile, join(tmp.dir, 'b', 'run-write-1', 'root.json'));
    const a = await filesOf(join(tmp.dir, 'a'));
    t.true(a.size > 3);
    t.deepEqual(await filesOf(join(tmp.dir, 'b', 'run-write-1')), a);
    t.is(await readFile(written.secretFile, 'utf8'), `${Buffer.alloc(32, 77).toString('hex')}\n`);
  });
}
