import test from 'ava';
import fc from 'fast-check';
import { canonical, dec } from '../../domain/money/decimal.js';
import { INSURANCE_USER_ID } from '../../domain/position/index.js';
import { isDomainError } from '../../domain/shared/errors.js';
import { ScenarioExchange, type HarnessOrder } from './support/harness.js';

/**
 * Random histories of deposits, orders, trades (both legs generated as a matching engine would:
 * a resting maker and a crossing taker of another user, at the maker's price), cancels,
 * leverage changes, liquidations and duplicate deliveries. After every step the ledger audit
 * holds and no key was applied twice; at the end every command delivered again is a no-op and
 * replaying the log with evolve alone rebuilds the same states.
 */

const USERS = ['alice', 'bob', 'carol'] as const;
const NUM_RUNS = Number(process.env.PROPERTY_RUNS ?? 60);

type Action =
  | { kind: 'deposit'; user: number; cents: number }
  | { kind: 'place'; user: number; insurance: boolean; buy: boolean; qty: number; priceStep: number; reduceOnly: boolean }
  | { kind: 'trade'; pick: number; percent: number }
  | { kind: 'cancel'; pick: number }
  | { kind: 'leverage'; user: number; leverage: number }
  | { kind: 'liquidate'; user: number; priceStep: number }
  | { kind: 'duplicate'; pick: number };

const user = fc.integer({ min: 0, max: USERS.length - 1 });
const action: fc.Arbitrary<Action> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('deposit' as const), user, cents: fc.integer({ min: 1, max: 2_000_000 }) }), weight: 2 },
  {
    arbitrary: fc.record({
      kind: fc.constant('place' as const), user, insurance: fc.integer({ min: 0, max: 7 }).map((n) => n === 0), buy: fc.boolean(),
      qty: fc.integer({ min: 1, max: 25 }), priceStep: fc.integer({ min: -15, max: 15 }), reduceOnly: fc.integer({ min: 0, max: 4 }).map((n) => n === 0),
    }),
    weight: 6,
  },
  { arbitrary: fc.record({ kind: fc.constant('trade' as const), pick: fc.nat(), percent: fc.integer({ min: 1, max: 100 }) }), weight: 6 },
  { arbitrary: fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat() }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('leverage' as const), user, leverage: fc.integer({ min: 1, max: 100 }) }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('liquidate' as const), user, priceStep: fc.integer({ min: -60, max: 60 }) }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('duplicate' as const), pick: fc.nat() }), weight: 2 },
);

/** Prices on the 0.1 tick grid with uneven decimals, around 50000. */
function priceAt(step: number, stepSize: string): string {
  return canonical(dec(50000).plus(dec(step).times(stepSize)));
}

function crossingPairs(ex: ScenarioExchange): [maker: HarnessOrder, taker: HarnessOrder][] {
  const open = [...ex.orders.values()].filter((o) => o.open);
  const pairs: [HarnessOrder, HarnessOrder][] = [];
  for (let i = 0; i < open.length; i++) {
    for (let j = i + 1; j < open.length; j++) {
      const maker = open[i]!; // placed earlier: it rested
      const taker = open[j]!;
      if (maker.side === taker.side || maker.userId === taker.userId) continue;
      const buy = maker.side === 'BUY' ? maker : taker;
      const sell = maker.side === 'SELL' ? maker : taker;
      if (dec(buy.price).greaterThanOrEqualTo(sell.price)) pairs.push([maker, taker]);
    }
  }
  return pairs;
}

function run(ex: ScenarioExchange, a: Action, index: number): string {
  switch (a.kind) {
    case 'deposit':
      ex.deposit(USERS[a.user]!, canonical(dec(a.cents).dividedBy(100)));
      return 'deposit';
    case 'place': {
      const userId = a.insurance ? INSURANCE_USER_ID : USERS[a.user]!;
      const result = ex.place({
        orderId: `o${index}`, userId, side: a.buy ? 'BUY' : 'SELL', qty: String(a.qty), price: priceAt(a.priceStep, '7.3'),
        reduceOnly: a.insurance || a.reduceOnly,
      });
      return result.status === 'NEW' ? `place ${result.intent}` : `reject ${result.reason}`;
    }
    case 'trade': {
      const pairs = crossingPairs(ex);
      if (pairs.length === 0) return 'no trade';
      const [maker, taker] = pairs[a.pick % pairs.length]!;
      const left = Math.min(Number(maker.qty) - Number(maker.filled), Number(taker.qty) - Number(taker.filled));
      ex.trade({ maker: maker.orderId, taker: taker.orderId, qty: String(Math.max(1, Math.floor((left * a.percent) / 100))) });
      return 'trade';
    }
    case 'cancel': {
      const open = [...ex.orders.values()].filter((o) => o.open);
      if (open.length === 0) return 'no cancel';
      ex.cancel(open[a.pick % open.length]!.orderId);
      return 'cancel';
    }
    case 'leverage':
      try {
        ex.setLeverage(USERS[a.user]!, a.leverage);
        return 'leverage';
      } catch (error) {
        if (isDomainError(error, 'FAILED_PRECONDITION')) return 'leverage refused';
        throw error;
      }
    case 'liquidate': {
      const userId = USERS[a.user]!;
      if (ex.position(userId).side === null) return 'no liquidation';
      ex.liquidate(userId, priceAt(a.priceStep, '83.1'));
      return 'liquidate';
    }
    case 'duplicate': {
      const repeated = ex.redeliver(a.pick);
      if (repeated.length > 0) throw new Error(`a duplicate delivery produced ${JSON.stringify(repeated)}`);
      return 'duplicate';
    }
  }
}

test('random histories keep every ledger invariant, apply no key twice and replay to the same state', (t) => {
  const seen = new Map<string, number>();
  const events = new Map<string, number>();
  const neededActions = ['trade', 'cancel', 'liquidate', 'duplicate', 'place FLIP', 'place REDUCE', 'place INCREASE'];
  const neededEvents = ['PositionCloseToOpenCompensation', 'PositionReservationsCut', 'PositionTransferredIn', 'InsurancePnlRealized', 'OrderLocksReleased'];
  const covered = (): boolean => neededActions.every((a) => (seen.get(a) ?? 0) > 0) && neededEvents.every((e) => (events.get(e) ?? 0) > 0);
  // Each round is a fresh random seed. The rarest paths (a compensation, a reservation cut) come
  // up a handful of times per round: a round that misses one is chance, not a broken generator,
  // so more rounds run before the coverage below is asserted.
  for (let round = 0; round < 4 && (round === 0 || !covered()); round += 1) fc.assert(
    fc.property(fc.array(action, { minLength: 20, maxLength: 80, size: 'max' }), (actions) => {
      const ex = new ScenarioExchange();
      ex.fundInsurance('100000');
      for (const u of USERS) ex.deposit(u, '5000');
      actions.forEach((a, i) => {
        const what = run(ex, a, i);
        seen.set(what, (seen.get(what) ?? 0) + 1);
        const problems = ex.audit();
        if (problems.length > 0) throw new Error(`after step ${i} (${what}):\n${problems.join('\n')}`);
      });
      for (const e of ex.log) events.set(e.type, (events.get(e.type) ?? 0) + 1);
      const repeated = ex.redeliverAll();
      if (repeated.length > 0) throw new Error(`redelivery produced events: ${JSON.stringify(repeated)}`);
      const replayed = ex.replay();
      if (JSON.stringify([...replayed.positions]) !== JSON.stringify([...ex.positions])) throw new Error('positions differ after replay');
      if (JSON.stringify([...replayed.accounts]) !== JSON.stringify([...ex.accounts])) throw new Error('accounts differ after replay');
      if (JSON.stringify(replayed.insurance) !== JSON.stringify(ex.insurance.state())) throw new Error('insurance differs after replay');
    }),
    { numRuns: NUM_RUNS },
  );
  // the generator must actually reach the interesting paths, or the property proves little
  t.log(Object.fromEntries([...seen].sort()));
  t.log(Object.fromEntries([...events].sort()));
  for (const needed of neededActions) {
    t.true((seen.get(needed) ?? 0) > 0, `reached ${needed}`);
  }
  for (const needed of neededEvents) {
    t.true((events.get(needed) ?? 0) > 0, `produced ${needed}`);
  }
});
