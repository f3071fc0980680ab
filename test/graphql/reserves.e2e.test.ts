import test from 'ava';
import { leafHash, nodeHash } from '../../reserves/hashing.js';
import { ADMIN_KEY, createUser, deposit, placeOrder, startTestExchange, type TestExchange } from './support/exchange.js';

const AUDIT = 'mutation { runReserveAudit { auditId logPosition rootHash totals { asset amount } userCount excludedNegative { asset amount } reconciled } }';
const PROOF = '{ me { reserveProof { auditId logPosition rootHash userHash leafHash balances { asset amount } path { siblingHash siblingSums { asset amount } siblingOnLeft } } } }';

type Amount = { asset: string; amount: string };
type Proof = { auditId: string; logPosition: string; rootHash: string; userHash: string; leafHash: string; balances: Amount[]; path: Array<{ siblingHash: string; siblingSums: Amount[]; siblingOnLeft: boolean }> };

/** USDT has 8 decimals: an amount in minor units */
function minor(amount: string): bigint {
  const [whole, fraction = ''] = amount.split('.');
  return BigInt(whole!) * 10n ** 8n + BigInt(fraction.padEnd(8, '0'));
}

/** what a user does with the proof the API gives: recompute the leaf and the path up to the root */
function recomputeRoot(proof: Proof): { leaf: string; root: string; sums: bigint[] } {
  let hash = leafHash(Buffer.from(proof.userHash, 'hex'), proof.balances.map((b) => minor(b.amount)));
  const leaf = hash.toString('hex');
  let sums = proof.balances.map((b) => minor(b.amount));
  for (const step of proof.path) {
    const sibling = Buffer.from(step.siblingHash, 'hex');
    const siblingSums = step.siblingSums.map((s) => minor(s.amount));
    hash = step.siblingOnLeft ? nodeHash(sibling, siblingSums, hash, sums) : nodeHash(hash, sums, sibling, siblingSums);
    sums = sums.map((s, i) => s + siblingSums[i]!);
  }
  return { leaf, root: hash.toString('hex'), sums };
}

async function tradingExchange(t: { teardown(fn: () => Promise<void>): void }): Promise<{ x: TestExchange; alice: { userId: string; apiKey: string }; bob: { userId: string; apiKey: string } }> {
  const x = await startTestExchange((fn) => t.teardown(fn));
  const alice = await createUser(x, 'alice');
  const bob = await createUser(x, 'bob');
  await deposit(x, alice.userId, '1000', 'tx-a');
  await deposit(x, bob.userId, '1000', 'tx-b');
  await placeOrder(x, alice.apiKey, { side: 'BUY', price: '50000', quantity: '4', clientOrderId: 'a1' });
  await placeOrder(x, bob.apiKey, { side: 'SELL', price: '50000', quantity: '4', clientOrderId: 'b1' });
  await x.waitIdle();
  return { x, alice, bob };
}

test('runReserveAudit is admin-only; a user\'s reserveProof comes from the latest audit and recomputes to its root', async (t) => {
  const { x, alice, bob } = await tradingExchange(t);
  t.deepEqual((await x.data<{ me: { reserveProof: unknown } }>(PROOF, {}, alice.apiKey)).me.reserveProof, null, 'no audit yet');

  const denied = await x.request(AUDIT, {}, alice.apiKey);
  t.is(denied.errors?.[0]?.extensions?.code, 'FORBIDDEN');

  const { runReserveAudit: audit } = await x.data<{ runReserveAudit: { auditId: string; logPosition: string; rootHash: string; totals: Amount[]; userCount: number; excludedNegative: Amount[]; reconciled: boolean } }>(AUDIT, {}, ADMIN_KEY);
  t.true(audit.reconciled);
  t.is(audit.userCount, 2);
  t.deepEqual(audit.excludedNegative, [{ asset: 'USDT', amount: '0' }]);
  t.regex(audit.rootHash, /^[0-9a-f]{64}$/);

  const proofs: Proof[] = [];
  for (const user of [alice, bob]) {
    const proof = (await x.data<{ me: { reserveProof: Proof } }>(PROOF, {}, user.apiKey)).me.reserveProof;
    t.like(proof, { auditId: audit.auditId, logPosition: audit.logPosition, rootHash: audit.rootHash });
    const again = recomputeRoot(proof);
    t.is(again.leaf, proof.leafHash);
    t.is(again.root, audit.rootHash);
    t.deepEqual(again.sums, audit.totals.map((a) => minor(a.amount)));
    proofs.push(proof);
  }
  t.not(proofs[0]!.userHash, proofs[1]!.userHash);

  // a later audit replaces the latest: the proof follows it
  const { runReserveAudit: second } = await x.data<{ runReserveAudit: { auditId: string } }>(AUDIT, {}, ADMIN_KEY);
  t.not(second.auditId, audit.auditId);
  t.is((await x.data<{ me: { reserveProof: Proof } }>(PROOF, {}, alice.apiKey)).me.reserveProof.auditId, second.auditId);
});

test('the audit of a live exchange covers its whole log and every balance', async (t) => {
  const { x, alice } = await tradingExchange(t);
  const { runReserveAudit: audit } = await x.data<{ runReserveAudit: { logPosition: string; totals: Amount[] } }>(AUDIT, {}, ADMIN_KEY);
  t.is(audit.logPosition, await x.headPosition());
  const proof = (await x.data<{ me: { reserveProof: Proof } }>(PROOF, {}, alice.apiKey)).me.reserveProof;
  // long 4 at 50000 as maker, mark = last trade: 1000 − maker fee 0.04 (margin 20 stays in equity)
  t.deepEqual(proof.balances, [{ asset: 'USDT', amount: '999.96' }]);
});
