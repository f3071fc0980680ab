import test from 'ava';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { readFileIfExists, writeFileAtomic } from '../../eventstore/atomicFile.js';
import { makeTempDir } from '../support/tmpdir.js';

test('writeFileAtomic creates, then replaces the whole file; no temp file is left; the mode applies to a new file', async (t) => {
  const tmp = await makeTempDir('oec-atomic-');
  t.teardown(tmp.remove);
  const path = join(tmp.dir, 'state.json');
  t.is(await readFileIfExists(path), undefined);
  await writeFileAtomic(path, 'a much longer first content\n', { mode: 0o600 });
  t.is(await readFile(path, 'utf8'), 'a much longer first content\n');
  t.is((await stat(path)).mode & 0o777, 0o600);
  await writeFileAtomic(path, 'short\n');
  t.is(await readFile(path, 'utf8'), 'short\n');
  t.is(await readFileIfExists(path), 'short\n');
  t.deepEqual(await readdir(tmp.dir), ['state.json']);
});

test('writeFileAtomic into a missing directory fails and leaves nothing behind', async (t) => {
  const tmp = await makeTempDir('oec-atomic-');
  t.teardown(tmp.remove);
  await t.throwsAsync(writeFileAtomic(join(tmp.dir, 'missing', 'state.json'), 'x'), { code: 'ENOENT' });
  t.deepEqual(await readdir(tmp.dir), []);
});

test('readFileIfExists: a missing file is undefined, any other failure throws', async (t) => {
  const tmp = await makeTempDir('oec-atomic-');
  t.teardown(tmp.remove);
  t.is(await readFileIfExists(join(tmp.dir, 'nothing.json')), undefined);
  await t.throwsAsync(readFileIfExists(tmp.dir), { code: 'EISDIR' });
});
