import test from 'ava';
import { dec } from '../../domain/money/decimal.js';
import { verifyProof } from '../../reserves/verify.js';
import { runProofOfReserves } from '../../scripts/por/run.js';
import { prng } from '../support/logBuilder.js';
import { Scenario } from '../support/scenario.js';

/** orders after the fixed part; the log is written by the real runtime, so keep it modest */
const RANDOM_ORDERS = Number(process.env.POR_RUNTIME_ORDERS ?? 24);

async function runtimeLog(t: import('ava').ExecutionContext): Promise<Scenario> {
  const s = await Scenario.start();
  t.teardown(() => s.stop());
  await s.listBtc();
  await s.users('alice', 'bob', 'carol', 'dave', 'erin', 'frank');
  for (const [user, amount] of [['alice', '1000'], ['bob', '1000'], ['carol', '1000'], ['dave', '51'], ['erin', '51'], ['frank', '5000']] as const) await s.deposit(user, amount);
  await s.exchange.fundInsurance('USDT', '1000', 'ins-1');
  await s.settle();

  // flip: alice long 10, then sells 15 → short 5
  await s.place('alice', 'BUY', '10', '50000');
  await s.place('bob', 'SELL', '10', '50000');
  await s.place('carol', 'BUY', '15', '50000');
  await s.place('alice', 'SELL', '15', '50000');
  t.like(await s.position('alice'), { side: 'SHORT', qty: '5', entryNotional: '250' });

  // compensation: dave's close order fills after his position was liquidated
  await s.place('dave', 'BUY', '10', '50000');
  await s.place('frank', 'SELL', '10', '50000');
  await s.place('dave', 'SELL', '10', '46000', { reduceOnly: true });
  await s.exchange.liquidate('dave', 'BTC-PERP', '45000', 'liq-dave');
  await s.settle();
  await s.place('frank', 'BUY', '10', '46000');
  t.deepEqual(await s.wallet('dave'), { available: '-45.192', frozen: '0', margin: '46' });

  // a forced liquidation whose loss exceeds the margin: 0.9 + 50 − 60 = −9.1
  await s.place('erin', 'BUY', '10', '50000');
  await s.place('frank', 'SELL', '10', '50000');
  await s.exchange.liquidate('erin', 'BTC-PERP', '44000', 'liq-erin');
  await s.settle();
  t.deepEqual(await s.wallet('erin'), { available: '-9.1', frozen: '0', margin: '0' });

  // more trading among the solvent users around the mark
  const random = prng(42);
  const traders = ['alice', 'bob', 'carol', 'frank'];
  for (let i = 0; i < RANDOM_ORDERS; i += 1) {
    const user = traders[Math.floor(random() * traders.length)]!;
    const side = random() < 0.5 ? 'BUY' : 'SELL';
    const price = (44500 + Math.round((random() - 0.5) * 40) * 0.1).toFixed(1);
    await s.place(user, side, String(1 + Math.floor(random() * 4)), price);
  }
  await s.exchange.setMarkPrice('BTC-PERP', '44500', 'mark-end');
  await s.settle();
  t.deepEqual(s.errors, []);
  return s;
}

test('on a raw runtime log the audit reaches the head of the log', async (t) => {
  const s = await runtimeLog(t);
  const { report } = await runProofOfReserves(s.store, { at: 'latest' });
  t.is(report.logPosition, await s.store.headPosition());
});

test('a log written through the command API (real matching and workflows) reconciles exactly', async (t) => {
  const s = await runtimeLog(t);
  const { report, audit } = await runProofOfReserves(s.store, { at: 'latest' });
  t.deepEqual(report.mismatches, []);
  t.true(report.ok);
  t.is(report.logPosition, await s.store.headPosition());
  const usdt = report.assets[0]!;
  t.is(usdt.difference, '0');
  t.deepEqual(report.receivables, [{ userId: 'erin', asset: 'USDT', amount: '9.1' }]);
  t.true(dec(usdt.ledger.insuranceFund).greaterThan(usdt.receivables));
  t.true(report.insurance.positions.length > 0);
  // dave after the compensation: −45.192 + margin 46 + short 10 entry 460 at 44500 (uPnL 15)
  t.deepEqual(audit.proofs.get('dave')!.balances, [{ asset: 'USDT', amount: '15.808' }]);
  for (const [userId, proof] of audit.proofs) t.true(verifyProof(proof, audit.root, { userId }).ok, userId);
});
