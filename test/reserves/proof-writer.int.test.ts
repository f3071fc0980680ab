/**
 * The proof files' writer thread: every file with its exact text, backpressure over many
 * batches, the first failure rejecting with the file system's code and nothing written after
 * it, and an audit whose proofs fail to write publishing no root.json.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'ava';
import { buildReserveAudit, writeReserveAudit, type ReserveAudit } from '../../reserves/index.js';
import { buildReserveTree, stampStateHash } from '../../reserves/audit.js';
import { writeReserveTree } from '../../reserves/write.js';
import { ProofWriterError, writeFilesInThread } from '../../reserves/proofWriter.js';
import { makeTempDir } from '../support/tmpdir.js';

test('writes every file with its exact text, over more batches than may be in flight', async (t) => {
  const tmp = await makeTempDir('oec-proof-writer-');
  t.teardown(tmp.remove);
  // 512 files per batch, 4 batches in flight: 5,000 files need the thread to ask for more
  const entries = Array.from({ length: 5000 }, (_, i) => [join(tmp.dir, `f${i}.json`), `{"n":${i},"text":"é ${'x'.repeat(i % 97)}"}\n`] as const);
  let rendered = 0;
  await writeFilesInThread((function* () {
    for (const entry of entries) {
      rendered += 1;
      yield entry;
    }
  })());
  t.is(rendered, entries.length);
  t.is((await readdir(tmp.dir)).length, entries.length);
  for (const i of [0, 1, 511, 512, 2047, 2048, 4999]) t.is(await readFile(entries[i]![0], 'utf8'), entries[i]![1]);
});

test('an existing file rejects with EEXIST and its path, keeps its content, and nothing after it is written', async (t) => {
  const tmp = await makeTempDir('oec-proof-writer-');
  t.teardown(tmp.remove);
  await writeFile(join(tmp.dir, 'f3.json'), 'kept\n');
  const entries = Array.from({ length: 2000 }, (_, i) => [join(tmp.dir, `f${i}.json`), `${i}\n`] as const);
  const error = await t.throwsAsync(writeFilesInThread(entries), { instanceOf: ProofWriterError, code: 'EEXIST' });
  t.is(error?.path, join(tmp.dir, 'f3.json'));
  t.is(await readFile(join(tmp.dir, 'f3.json'), 'utf8'), 'kept\n');
  t.deepEqual((await readdir(tmp.dir)).sort(), ['f0.json', 'f1.json', 'f2.json', 'f3.json']);
});

test('a rendering failure rejects with that error', async (t) => {
  const tmp = await makeTempDir('oec-proof-writer-');
  t.teardown(tmp.remove);
  const boom = new Error('render failed');
  await t.throwsAsync(writeFilesInThread((function* () {
    yield [join(tmp.dir, 'a.json'), 'a'] as const;
    throw boom;
  })()), { is: boom });
});

test('an audit whose proofs cannot all be written publishes no root.json; a second audit into the same directory is refused', async (t) => {
  const tmp = await makeTempDir('oec-proof-writer-');
  t.teardown(tmp.remove);
  const audit = buildReserveAudit({
    auditId: 'writer-1',
    auditSecret: Buffer.alloc(32, 9),
    assets: [{ code: 'USDT', scale: 8 }],
    logPosition: '10',
    stateHash: 'ab'.repeat(32),
    equities: new Map([['alice', new Map([['USDT', '1']])], ['bob', new Map([['USDT', '2']])]]),
  });
  // two users naming the same proof file: the second create must fail
  const bob = audit.proofs.get('bob')!;
  const clash: ReserveAudit = { ...audit, proofs: new Map([...audit.proofs, ['mallory', { ...bob }]]) };
  const failedDir = join(tmp.dir, 'failed');
  await t.throwsAsync(writeReserveAudit(failedDir, clash), { code: 'EEXIST' });
  await t.throwsAsync(readFile(join(failedDir, 'root.json')), { code: 'ENOENT' });

  const okDir = join(tmp.dir, 'ok');
  await mkdir(okDir);
  const written = await writeReserveAudit(okDir, audit);
  const rootBefore = await readFile(written.rootFile, 'utf8');
  const other = buildReserveAudit({ ...audit.root, auditSecret: Buffer.alloc(32, 10), auditId: 'writer-2', equities: new Map([['carl', new Map([['USDT', '5']])]]) });
  await t.throwsAsync(writeReserveAudit(okDir, other), { code: 'EEXIST' });
  t.is(await readFile(written.rootFile, 'utf8'), rootBefore);
  // the refused audit left none of its proofs behind
  const proofs = (await readdir(join(okDir, 'proofs'), { recursive: true })).filter((f) => f.endsWith('.json'));
  t.is(proofs.length, 2);
});

test('whileWriting runs once in this thread while the writer thread already creates the queued files', async (t) => {
  const tmp = await makeTempDir('oec-proof-writer-');
  t.teardown(tmp.remove);
  const entries = Array.from({ length: 3000 }, (_, i) => [join(tmp.dir, `f${i}.json`), `${i}\n`] as const);
  let calls = 0;
  let seenWhileBlocked = false;
  await writeFilesInThread(entries, () => {
    calls += 1;
    // this thread is blocked here: only the writer thread can create the file
    const deadline = Date.now() + 20_000;
    while (!seenWhileBlocked && Date.now() < deadline) seenWhileBlocked = existsSync(entries[0]![0]);
  });
  t.is(calls, 1);
  t.true(seenWhileBlocked);
  t.is((await readdir(tmp.dir)).length, entries.length);

  const boom = new Error('hash failed');
  await t.throwsAsync(writeFilesInThread([[join(tmp.dir, 'g.json'), 'g']], () => {
    throw boom;
  }), { is: boom });
});

const treeInput = {
  auditId: 'writer-tree',
  auditSecret: Buffer.alloc(32, 5),
  assets: [{ code: 'USDT', scale: 8 }],
  logPosition: '42',
  equities: new Map([['alice', new Map([['USDT', '1.5']])], ['bob', new Map([['USDT', '-2']])], ['carl', new Map([['USDT', '7']])]]),
};

test('a tree stamped while its proofs are written publishes the same files as the whole audit written at once', async (t) => {
  const tmp = await makeTempDir('oec-proof-writer-');
  t.teardown(tmp.remove);
  const stateHash = 'ef'.repeat(32);
  const audit = buildReserveAudit({ ...treeInput, stateHash });
  const whole = await writeReserveAudit(join(tmp.dir, 'whole'), audit, { reconciliation: { ok: true } });
  const tree = buildReserveTree(treeInput);
  const staged = await writeReserveTree(join(tmp.dir, 'staged'), tree, () => ({ root: stampStateHash(tree, stateHash).root, reconciliation: { ok: true } }));
  t.deepEqual(stampStateHash(tree, stateHash), audit);
  for (const pick of [(w: typeof whole) => w.rootFile, (w: typeof whole) => w.excludedFile, (w: typeof whole) => w.reconciliationFile!, (w: typeof whole) => w.proofFiles.get('carl')!]) {
    t.is(await readFile(pick(staged), 'utf8'), await readFile(pick(whole), 'utf8'));
  }
});

test('a root other than the tree root is refused and nothing is published', async (t) => {
  const tmp = await makeTempDir('oec-proof-writer-');
  t.teardown(tmp.remove);
  const tree = buildReserveTree(treeInput);
  const other = buildReserveAudit({ ...treeInput, auditSecret: Buffer.alloc(32, 6), stateHash: 'ef'.repeat(32) });
  await t.throwsAsync(writeReserveTree(tmp.dir, tree, () => ({ root: other.root })), { message: /is not the root of the proofs written/ });
  await t.throwsAsync(readFile(join(tmp.dir, 'root.json')), { code: 'ENOENT' });
  t.throws(() => stampStateHash(tree, 'not-a-hash'), { message: /stateHash must be 64 lowercase hex digits/ });
});
