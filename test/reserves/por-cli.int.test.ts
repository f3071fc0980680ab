import test from 'ava';
import { spawn } from 'node:child_process';
import { readFile, readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createInMemoryStore, openEmbeddedStore } from '../../eventstore/embedded/index.js';
import type { EventStore } from '../../eventstore/port.js';
import { verifyProof } from '../../reserves/verify.js';
import { runPorCli } from '../../scripts/por/cli.js';
import { makeTempDir } from '../support/tmpdir.js';
import { porScenario } from './por-logs.js';

const SECRET = Buffer.alloc(32, 7);

async function withLog(t: { teardown(fn: () => Promise<void>): void }): Promise<{ store: EventStore; dir: string }> {
  const store = createInMemoryStore();
  await porScenario({ seed: 3, steps: 60, users: 4 }).builder.writeTo(store);
  const tmp = await makeTempDir('oec-por-cli-');
  t.teardown(tmp.remove);
  return { store, dir: tmp.dir };
}

function run(argv: string[], store: EventStore, env: NodeJS.ProcessEnv = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = runPorCli(argv, { env, stdout: (s) => out.push(s), stderr: (s) => err.push(s), eventStore: store, auditSecret: SECRET });
  return code.then((exit) => ({ exit, stdout: out.join(''), stderr: err.join('') }));
}

test('publishes root, one proof per included user, the deficits and the reconciliation; the secret stays apart', async (t) => {
  const { store, dir } = await withLog(t);
  const out = path.join(dir, 'audit');
  const secrets = path.join(dir, 'private');
  const result = await run(['--at', 'latest', '--out', out, '--secret-dir', secrets, '--audit-id', 'audit-1', '--json'], store);
  t.is(result.exit, 0, result.stderr);
  const report = JSON.parse(result.stdout);
  t.true(report.ok);
  t.is(report.files.proofs, report.userCount);

  const root = JSON.parse(await readFile(path.join(out, 'root.json'), 'utf8'));
  t.like(root, { method: 'oec-por-merkle-sum-v1', auditId: 'audit-1', logPosition: report.logPosition, stateHash: report.stateHash, userCount: report.userCount, excludedUserCount: 1 });
  const proofs = (await readdir(path.join(out, 'proofs'), { recursive: true })).filter((f) => f.endsWith('.json'));
  t.is(proofs.length, root.userCount);
  for (const file of proofs) {
    const verified = verifyProof(JSON.parse(await readFile(path.join(out, 'proofs', file), 'utf8')), root);
    t.true(verified.ok, file);
  }
  t.like(JSON.parse(await readFile(path.join(out, 'excluded.json'), 'utf8')), { auditId: 'audit-1', deficits: [{ userId: 'loser', asset: 'USDT', amount: '-9.1' }] });
  t.like(JSON.parse(await readFile(path.join(out, 'reconciliation.json'), 'utf8')), { ok: true, auditId: 'audit-1', mismatches: [] });

  // the secret: private file, mode 0600, and nowhere in what is published
  const secretFile = path.join(secrets, 'audit-1.secret');
  t.is((await readFile(secretFile, 'utf8')).trim(), SECRET.toString('hex'));
  t.is((await stat(secretFile)).mode & 0o777, 0o600);
  for (const name of ['root.json', 'excluded.json', 'reconciliation.json']) t.false((await readFile(path.join(out, name), 'utf8')).includes(SECRET.toString('hex')));

  // a published audit is never rewritten in place
  const again = await run(['--out', out, '--secret-dir', path.join(dir, 'other'), '--audit-id', 'audit-2'], store);
  t.is(again.exit, 2);
  t.regex(again.stderr, /EEXIST|exists/);
});

test('attested assets below the liabilities: files written, the shortfall listed, exit 1', async (t) => {
  const { store, dir } = await withLog(t);
  const assets = path.join(dir, 'assets.json');
  await writeFile(assets, JSON.stringify({ source: 'wallet attestation 2025-01-01', assets: [{ asset: 'USDT', amount: '1000' }] }));
  const result = await run(['--out', path.join(dir, 'a'), '--secret-dir', path.join(dir, 's'), '--assets', assets], store);
  t.is(result.exit, 1);
  t.regex(result.stdout, /NOT RECONCILED/);
  t.regex(result.stdout, /MISMATCH CUSTODY_SHORTFALL: USDT: custody 1000 \(attested wallet attestation 2025-01-01\) < tree total \d+(\.\d+)? \(shortfall \d/);
  const written = JSON.parse(await readFile(path.join(dir, 'a', 'reconciliation.json'), 'utf8'));
  t.false(written.ok);
  t.is(written.assets[0].custody.source, 'attested');
});

test('bad arguments and unreadable inputs exit 2 without writing', async (t) => {
  const { store, dir } = await withLog(t);
  t.is((await run(['--at', 'latest'], store)).exit, 2);
  t.is((await run(['--out', path.join(dir, 'x'), '--bogus'], store)).exit, 2);
  const badAt = await run(['--out', path.join(dir, 'y'), '--at', 'yesterday'], store);
  t.is(badAt.exit, 2);
  t.regex(badAt.stderr, /--to takes a log position or an ISO time/);
  const file = path.join(dir, 'bad.json');
  await writeFile(file, JSON.stringify({ assets: [{ asset: 'USDT', amount: '-5' }] }));
  const badAssets = await run(['--out', path.join(dir, 'z'), '--assets', file], store);
  t.is(badAssets.exit, 2);
  t.regex(badAssets.stderr, /USDT: amount "-5" must be a plain non-negative decimal/);
  await t.throwsAsync(stat(path.join(dir, 'z', 'root.json')));
});

test('npm run por entry point: folds the embedded store under DATA_DIR', async (t) => {
  const tmp = await makeTempDir('oec-por-entry-');
  t.teardown(tmp.remove);
  const store = await openEmbeddedStore({ dir: path.join(tmp.dir, 'events') });
  await porScenario({ seed: 4, steps: 30, users: 3 }).builder.writeTo(store);
  await store.close();
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/proof-of-reserves.ts', '--out', path.join(tmp.dir, 'published'), '--json'], {
    cwd: path.resolve(import.meta.dirname, '../..'), env: { ...process.env, DATA_DIR: tmp.dir }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  t.is(code, 0, stderr);
  const report = JSON.parse(stdout);
  t.true(report.ok);
  t.is((await readdir(path.join(tmp.dir, 'reserves', 'secrets'))).length, 1);
  t.is((await readdir(path.join(tmp.dir, 'published', 'proofs'), { recursive: true })).filter((f) => f.endsWith('.json')).length, report.userCount);
});
