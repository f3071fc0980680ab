import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'ava';
import { FileCheckpointStore, MemoryCheckpointStore } from '../../eventstore/checkpoints.js';
import { InvalidEventData, StoreCorrupted } from '../../eventstore/errors.js';
import { makeTempDir } from '../support/tmpdir.js';

test('a file checkpoint survives a new store instance and leaves no temp files', async (t) => {
  const temp = await makeTempDir('oec-checkpoints-');
  try {
    const dir = join(temp.dir, 'checkpoints');
    const first = new FileCheckpointStore(dir);
    t.is(await first.load('projection.balances'), undefined);
    await first.save('projection.balances', '1234');
    await first.save('projection.balances', '5678');
    t.is(await new FileCheckpointStore(dir).load('projection.balances'), '5678');
    t.deepEqual(await readdir(dir), ['projection.balances.checkpoint.json']);
  } finally {
    await temp.remove();
  }
});

test('concurrent saves of one consumer land in call order', async (t) => {
  const temp = await makeTempDir('oec-checkpoints-');
  try {
    const store = new FileCheckpointStore(temp.dir);
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.save('workflow-a', String(i + 1))));
    t.is(await store.load('workflow-a'), '20');
  } finally {
    await temp.remove();
  }
});

test('a checkpoint file without a position is reported, not taken as the start', async (t) => {
  const temp = await makeTempDir('oec-checkpoints-');
  try {
    await writeFile(join(temp.dir, 'broken.checkpoint.json'), '{"nope":1}');
    await t.throwsAsync(new FileCheckpointStore(temp.dir).load('broken'), { instanceOf: StoreCorrupted });
  } finally {
    await temp.remove();
  }
});

test('consumer names that could escape the directory are rejected', async (t) => {
  for (const store of [new FileCheckpointStore('/nonexistent'), new MemoryCheckpointStore()]) {
    await t.throwsAsync(store.save('../etc', '1'), { instanceOf: InvalidEventData });
    await t.throwsAsync(store.load('a/b'), { instanceOf: InvalidEventData });
  }
});

test('the in-memory checkpoint store keeps one position per consumer', async (t) => {
  const store = new MemoryCheckpointStore();
  await store.save('a', '10');
  await store.save('b', '20');
  t.is(await store.load('a'), '10');
  t.is(await store.load('b'), '20');
  t.is(await store.load('c'), undefined);
});
