import test from 'ava';
import { createInMemoryStore } from '../../eventstore/embedded/index.js';
import type { EventStore, RecordedEvent } from '../../eventstore/port.js';
import { dec } from '../../domain/money/decimal.js';
import { verifyProof } from '../../reserves/verify.js';
import { runProofOfReserves } from '../../scripts/por/run.js';
import { porScenario } from './por-logs.js';

/** long soak sizes come from the environment; the default keeps the test quick */
const STEPS = Number(process.env.POR_SOAK_STEPS ?? 600);

async function storeOf(events: Parameters<typeof porScenario>[0]): Promise<{ store: EventStore; recorded: RecordedEvent[]; stepEnds: number[] }> {
  const { builder, stepEnds } = porScenario(events);
  const store = createInMemoryStore();
  await builder.writeTo(store);
  const recorded: RecordedEvent[] = [];
  for await (const e of store.readAll()) recorded.push(e);
  return { store, recorded, stepEnds };
}

test('a long random session with flips, compensations, insurance and a deficit reconciles exactly', async (t) => {
  const { store, recorded } = await storeOf({ seed: 20250101, steps: STEPS, users: 8 });
  // given: the log holds every case the reconciliation must survive
  t.true(recorded.some((e) => e.type === 'PositionMarginReleased' && e.data['flip'] === true), 'a flip');
  t.true(recorded.some((e) => e.type === 'CloseToOpenCompensated'), 'a compensation');
  t.true(recorded.some((e) => e.type === 'InsurancePnlRealized'), 'insurance PnL');
  t.true(recorded.filter((e) => e.type === 'LiquidationSettled').length >= 2, 'forced liquidations');

  const result = await runProofOfReserves(store, { at: 'latest' });
  const { report, audit } = result;
  t.deepEqual(report.mismatches, []);
  t.true(report.ok);
  t.is(report.logPosition, recorded.at(-1)!.position);
  t.is(report.stateHash, result.fold.stateHash);
  const usdt = report.assets.find((a) => a.asset === 'USDT')!;
  t.is(usdt.difference, '0');
  // Σ user equity = liability.userFunds − clearing.pnl − insurance uPnL, to the last unit
  t.is(dec(usdt.treeTotal).plus(usdt.excludedNegative).toFixed(), dec(usdt.ledger.userFunds).minus(usdt.ledger.clearingPnl).minus(usdt.insuranceUnrealizedPnl).toFixed());
  t.true(report.insurance.positions.length > 0, 'the insurance account holds a position, valued apart from the tree');

  // the deficit: 51 deposited, margin 50 + maker fee 0.1, liquidated at 44000: 0.9 + 50 − 60 = −9.1
  t.deepEqual(report.receivables.filter((r) => r.userId === 'loser'), [{ userId: 'loser', asset: 'USDT', amount: '9.1' }]);
  t.false(audit.proofs.has('loser'));
  t.true(dec(usdt.ledger.insuranceFund).greaterThan(usdt.receivables), 'the deficit is smaller than the insurance fund');
  t.is(usdt.excludedNegative, '-9.1');

  // the flipper: wallet 974.525 + margin 25 (short 5, entry 250) + uPnL at 44500 (250 − 222.5 = 27.5)
  t.deepEqual(audit.proofs.get('flipper')!.balances, [{ asset: 'USDT', amount: '1027.025' }]);

  // every included user's proof verifies against the published root
  t.is(audit.proofs.size, audit.root.userCount);
  for (const [userId, proof] of audit.proofs) {
    const verified = verifyProof(proof, audit.root, { userId });
    if (!verified.ok) t.fail(`${userId}: ${verified.reason} ${verified.message}`);
  }
  t.is(custodyCovers(usdt), true);
});

function custodyCovers(a: { custodySurplus: string }): boolean {
  return !dec(a.custodySurplus).isNegative();
}

test('at earlier positions the audit folds to the latest quiescent position at or before them and reconciles', async (t) => {
  const { store, recorded, stepEnds } = await storeOf({ seed: 77, steps: 120, users: 6 });
  t.true(stepEnds.length > 50);
  for (const step of [5, Math.floor(stepEnds.length / 2), stepEnds.length - 1]) {
    const asked = recorded[stepEnds[step]! - 1]!.position;
    const { report } = await runProofOfReserves(store, { at: asked });
    t.deepEqual(report.mismatches, [], `at ${asked}`);
    t.is(report.requestedPosition, asked);
    // each random step leaves the log quiescent, so the position asked for is the one folded
    t.is(report.logPosition, asked);
  }
  // a position inside a trade's settlement is not quiescent: the audit steps back to one that is
  const trade = recorded.findIndex((e) => e.type === 'TradeExecuted');
  const { report, fold } = await runProofOfReserves(store, { at: recorded[trade]!.position });
  t.true(report.ok);
  t.true(fold.quiescentAtEnd);
  t.true(BigInt(report.logPosition) < BigInt(recorded[trade]!.position));
});

test('an extra credit without a platform line fails the reconciliation with the amount and the event', async (t) => {
  const { builder, stepEnds } = porScenario({ seed: 5, steps: 80, users: 5 });
  // tamper: a deposit whose entry credits the user's wallet but books nothing on the platform side
  const at = stepEnds[40]!;
  builder.events.splice(at, 0,
    { stream: 'transfer-tx-forged', type: 'TransferRecorded', key: 'tx-forged', occurredAt: builder.events[at - 1]!.occurredAt, data: { userId: 'u2', asset: 'USDT', amount: '123.45', kind: 'DEPOSIT', txId: 'tx-forged' } },
    {
      stream: 'account-u2', type: 'FundsDeposited', key: 'tx-forged', occurredAt: builder.events[at - 1]!.occurredAt,
      data: {
        userId: 'u2', asset: 'USDT', amount: '123.45', txId: 'tx-forged',
        lines: [
          { book: 'USER', account: 'wallet.available', asset: 'USDT', direction: 'DEBIT', amount: '123.45' },
          { book: 'USER', account: 'equity.capital', asset: 'USDT', direction: 'CREDIT', amount: '123.45' },
        ],
      },
    });
  const store = createInMemoryStore();
  await builder.writeTo(store);
  let forged: RecordedEvent | undefined;
  for await (const e of store.readAll()) if (e.stream === 'account-u2' && e.metadata.idempotencyKey === 'tx-forged') forged = e;

  const { report } = await runProofOfReserves(store, { at: 'latest' });
  t.false(report.ok);
  const usdt = report.assets.find((a) => a.asset === 'USDT')!;
  t.is(usdt.difference, '123.45');
  t.is(dec(usdt.userWalletAndMargins).minus(usdt.ledger.userFunds).toFixed(), '123.45');
  const kinds = new Set(report.mismatches.map((m) => m.kind));
  t.true(kinds.has('EQUITY_LIABILITY'));
  t.true(kinds.has('USER_FUNDS'));
  t.false(kinds.has('CLEARING_PNL'), 'the PnL side still agrees: the report points at the user funds');
  t.regex(report.mismatches.find((m) => m.kind === 'EQUITY_LIABILITY')!.detail, /difference 123\.45\)/);
  t.true(report.mismatches.some((m) => m.kind === 'LEDGER_AUDIT' && m.eventIds?.includes(forged!.id) && /USER_FUNDS/.test(m.detail)), 'the forged event is named');
});

test('attested assets below the tree total are a custody shortfall; above it they reconcile', async (t) => {
  const { store } = await storeOf({ seed: 9, steps: 60, users: 4 });
  const clean = await runProofOfReserves(store, { at: 'latest' });
  const treeTotal = clean.audit.root.totals[0]!.amount;

  const short = await runProofOfReserves(store, { at: 'latest', attestation: { source: 'chain snapshot', assets: [{ asset: 'USDT', amount: dec(treeTotal).minus('0.00000001').toFixed() }] } });
  t.false(short.report.ok);
  t.deepEqual(short.report.mismatches.map((m) => m.kind), ['CUSTODY_SHORTFALL']);
  t.regex(short.report.mismatches[0]!.detail, /shortfall 0\.00000001\)/);
  t.like(short.report.assets[0], { custody: { source: 'attested', amount: dec(treeTotal).minus('0.00000001').toFixed(), ledgerAmount: clean.report.assets[0]!.ledger.custodyWallet }, custodySurplus: '-0.00000001' });

  const exact = await runProofOfReserves(store, { at: 'latest', attestation: { source: 'chain snapshot', assets: [{ asset: 'USDT', amount: treeTotal }] } });
  t.deepEqual(exact.report.mismatches, []);
  t.is(exact.report.assets[0]!.custodySurplus, '0');

  // an attested asset the users hold none of joins the audit with a zero total, covered
  const extra = await runProofOfReserves(store, { at: 'latest', attestation: { source: null, assets: [{ asset: 'USDT', amount: treeTotal }, { asset: 'BTC', amount: '1' }] } });
  t.deepEqual(extra.report.mismatches, []);
  t.deepEqual(extra.audit.root.assets.map((a) => a.code), ['BTC', 'USDT']);
  t.like(extra.report.assets[0], { asset: 'BTC', treeTotal: '0', custodySurplus: '1' });
});
