import test from 'ava';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { createInMemoryStore } from '../../eventstore/embedded/index.js';
import { verifyProof } from '../../reserves/verify.js';
import { proofFile } from '../../reserves/write.js';
import type { ProofDoc } from '../../reserves/documents.js';
import { createReserveService } from '../../scripts/por/service.js';
import { makeTempDir } from '../support/tmpdir.js';
import { porScenario } from './por-logs.js';

test('runAudit audits the latest quiescent position; latestProof serves the caller\'s proof, also after a restart', async (t) => {
  const tmp = await makeTempDir('oec-por-service-');
  t.teardown(tmp.remove);
  const { builder } = porScenario({ seed: 12, steps: 50, users: 4 });
  const store = createInMemoryStore();
  await builder.writeTo(store);
  const service = createReserveService({ store, dataDir: tmp.dir });

  // given no audit yet
  t.is(await service.latestProof('flipper'), null);

  // when
  const audit = await service.runAudit();

  // then
  t.true(audit.reconciled);
  t.is(audit.logPosition, await store.headPosition());
  t.deepEqual(audit.excludedNegative, [{ asset: 'USDT', amount: '-9.1' }]);
  const dir = (await service.latestAuditDir())!;
  const root = JSON.parse(await readFile(path.join(dir, 'root.json'), 'utf8'));
  t.like(root, { auditId: audit.auditId, rootHash: audit.rootHash, userCount: audit.userCount });

  const proof = (await service.latestProof('flipper'))!;
  t.like(proof, { auditId: audit.auditId, rootHash: audit.rootHash, logPosition: audit.logPosition, balances: [{ asset: 'USDT', amount: '1027.025' }] });
  // the view is the published proof file, which verifies for that user
  const file = JSON.parse(await readFile(proofFile(dir, proof.userHash), 'utf8')) as ProofDoc;
  t.deepEqual(proof.path, file.path);
  t.true(verifyProof(file, root, { userId: 'flipper' }).ok);

  // excluded (negative equity) and unknown users have no proof
  t.is(await service.latestProof('loser'), null);
  t.is(await service.latestProof('nobody'), null);

  // a new process on the same DATA_DIR serves the same latest audit
  const restarted = createReserveService({ store, dataDir: tmp.dir });
  t.deepEqual(await restarted.latestProof('flipper'), proof);

  // the secret is kept apart from the published files
  t.deepEqual(await readdir(path.join(tmp.dir, 'reserves', 'secrets')), [`${audit.auditId}.secret`]);
});

test('audits run one at a time and the latest one is served', async (t) => {
  const tmp = await makeTempDir('oec-por-service-');
  t.teardown(tmp.remove);
  const { builder } = porScenario({ seed: 13, steps: 30, users: 3 });
  const store = createInMemoryStore();
  const half = Math.floor(builder.events.length / 2);
  await builder.writeTo(store, { to: half });
  const service = createReserveService({ store, dataDir: tmp.dir });
  const first = await service.runAudit();
  await builder.writeTo(store, { from: half });
  const [second, third] = await Promise.all([service.runAudit(), service.runAudit()]);
  t.true(first.reconciled && second.reconciled && third.reconciled);
  t.not(second.auditId, third.auditId);
  t.true(BigInt(second.logPosition) > BigInt(first.logPosition));
  t.is((await service.latestProof('flipper'))!.auditId, third.auditId);
});
