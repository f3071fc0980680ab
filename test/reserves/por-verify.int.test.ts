/**
 * The audit written to disk and checked by the standalone CLI (scripts/por-verify.ts) as a user
 * would run it: a separate process that only sees the two JSON files.
 */
import { execFile } from 'node:child_process';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { buildReserveAudit, writeReserveAudit } from '../../reserves/index.js';
import { makeTempDir } from '../support/tmpdir.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const cli = join(repoRoot, 'scripts/por-verify.ts');

function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import=tsx', cli, ...args], { cwd: repoRoot }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr });
    });
  });
}

const audit = buildReserveAudit({
  auditId: 'cli-1',
  auditSecret: Buffer.alloc(32, 3),
  assets: [
    { code: 'USDT', scale: 8 },
    { code: 'BTC', scale: 8 },
  ],
  logPosition: '900',
  stateHash: '12'.repeat(32),
  equities: new Map([
    ['alice', new Map([['USDT', '1500.25'], ['BTC', '0.5']])],
    ['bob', new Map([['USDT', '3']])],
    ['carl', new Map([['USDT', '0.1']])],
    ['debtor', new Map([['USDT', '-40']])],
  ]),
});

test('writes root.json, one proof per user named by userHash, and the private deficit list', async (t) => {
  const tmp = await makeTempDir('oec-por-');
  t.teardown(tmp.remove);
  const written = await writeReserveAudit(tmp.dir, audit, { reconciliation: { reconciled: true } });

  t.deepEqual(JSON.parse(await readFile(join(tmp.dir, 'root.json'), 'utf8')), JSON.parse(JSON.stringify(audit.root)));
  const files = (await readdir(join(tmp.dir, 'proofs'), { recursive: true })).filter((f) => f.endsWith('.json')).sort();
  t.deepEqual(files, [...audit.proofs.values()].map((p) => join(p.userHash.slice(0, 2), `${p.userHash}.json`)).sort());
  t.is(written.proofFiles.get('alice'), join(tmp.dir, 'proofs', audit.proofs.get('alice')!.userHash.slice(0, 2), `${audit.proofs.get('alice')!.userHash}.json`));
  t.deepEqual(JSON.parse(await readFile(written.proofFiles.get('bob')!, 'utf8')), JSON.parse(JSON.stringify(audit.proofs.get('bob'))));
  t.deepEqual(JSON.parse(await readFile(written.excludedFile, 'utf8')), {
    auditId: 'cli-1',
    excludedUserCount: 1,
    totals: [
      { asset: 'BTC', amount: '0' },
      { asset: 'USDT', amount: '-40' },
    ],
    deficits: [{ userId: 'debtor', asset: 'USDT', amount: '-40' }],
  });
  t.deepEqual(JSON.parse(await readFile(written.reconciliationFile!, 'utf8')), { reconciled: true });
  // A published audit is never rewritten in place.
  await t.throwsAsync(writeReserveAudit(tmp.dir, audit), { code: 'EEXIST' });
});

test('the CLI verifies a written proof, rejects a tampered one, and reports usage errors', async (t) => {
  const tmp = await makeTempDir('oec-por-');
  t.teardown(tmp.remove);
  const written = await writeReserveAudit(tmp.dir, audit);
  const rootFile = written.rootFile;
  const aliceFile = written.proofFiles.get('alice')!;
  const tampered = JSON.parse(await readFile(aliceFile, 'utf8'));
  tampered.balances[1].amount = '1500.26';
  const tamperedFile = join(tmp.dir, 'tampered.json');
  await writeFile(tamperedFile, JSON.stringify(tampered));
  const garbageFile = join(tmp.dir, 'garbage.json');
  await writeFile(garbageFile, '{not json');

  const [ok, asJson, wrongUser, rejected, garbage, missing, usage] = await Promise.all([
    runCli([aliceFile, rootFile, '--user-id', 'alice']),
    runCli([written.proofFiles.get('bob')!, rootFile, '--json']),
    runCli([aliceFile, rootFile, '--user-id', 'bob']),
    runCli([tamperedFile, rootFile]),
    runCli([garbageFile, rootFile]),
    runCli([join(tmp.dir, 'nope.json'), rootFile]),
    runCli([aliceFile]),
  ]);

  t.is(ok.code, 0, ok.stderr);
  t.regex(ok.stdout, /^VERIFIED audit cli-1/);
  t.regex(ok.stdout, /BTC\s+0\.5\n/);
  t.regex(ok.stdout, /USDT\s+1500\.25\n/);
  t.is(asJson.code, 0, asJson.stderr);
  t.deepEqual(JSON.parse(asJson.stdout), {
    ok: true,
    auditId: 'cli-1',
    rootHash: audit.root.rootHash,
    userHash: audit.proofs.get('bob')!.userHash,
    balances: [
      { asset: 'BTC', amount: '0' },
      { asset: 'USDT', amount: '3' },
    ],
  });
  t.is(wrongUser.code, 1);
  t.regex(wrongUser.stdout, /^REJECTED USER_HASH_MISMATCH/);
  t.is(rejected.code, 1);
  t.regex(rejected.stdout, /^REJECTED LEAF_HASH_MISMATCH/);
  t.is(garbage.code, 1);
  t.regex(garbage.stdout, /^REJECTED MALFORMED_PROOF/);
  t.is(missing.code, 2);
  t.regex(missing.stderr, /cannot read/);
  t.is(usage.code, 2);
  t.regex(usage.stderr, /usage: por-verify/);
});
