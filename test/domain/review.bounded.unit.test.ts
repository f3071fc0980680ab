import test from 'ava';
import { RECENT_KEYS_MAX } from '../../domain/shared/bounded.js';
import { ENDED_ORDERS_MEMORY, REQUESTS_MEMORY, type PositionInstrument } from '../../domain/position/index.js';
import { ScenarioExchange } from './support/harness.js';

/**
 * Independent review of DESIGN §8: what a position and an account remember stays bounded — a
 * per-symbol high-water mark of trade sequence numbers (plus the keys of the trade in progress)
 * instead of every key, orders only while open (plus a bounded window of recently ended ones),
 * a bounded window of request ids. Size from REVIEW_BOUNDED_ORDERS (small default).
 */
const ROUNDS = Number(process.env.REVIEW_BOUNDED_ORDERS ?? '300');

const REV: PositionInstrument = {
  symbol: 'REV', contractSize: '1', tickSize: '0.01', lotSize: '1', makerFeeRate: '0.0002', takerFeeRate: '0.0005',
  initialMarginRate: '0.1', maintenanceMarginRate: '0.05', maxLeverage: 20, defaultLeverage: 3,
};

test('review §8: memory of positions and accounts stays bounded over many orders, fills and liquidations', (t) => {
  const ex = new ScenarioExchange(REV);
  ex.deposit('alice', '100000000');
  ex.deposit('bob', '100000000');
  ex.fundInsurance('1000000');
  let open = 0; // alice's long, in contracts
  for (let i = 0; i < ROUNDS; i++) {
    // alice opens 2 against bob, then closes 1 (reduce) — every order ends, so nothing stays open
    ex.place({ orderId: `a${i}`, userId: 'alice', side: 'BUY', qty: '2', price: '100' });
    ex.place({ orderId: `b${i}`, userId: 'bob', side: 'SELL', qty: '2', price: '100' });
    ex.trade({ maker: `a${i}`, taker: `b${i}`, qty: '2' });
    ex.place({ orderId: `c${i}`, userId: 'alice', side: 'SELL', qty: '1', price: '101' });
    ex.place({ orderId: `d${i}`, userId: 'bob', side: 'BUY', qty: '1', price: '101' });
    ex.trade({ maker: `c${i}`, taker: `d${i}`, qty: '1' });
    open += 1;
    if (i % 50 === 49) {
      ex.liquidate('alice', '99');
      open = 0;
    }
  }
  t.deepEqual(ex.audit(), []);
  for (const userId of ['alice', 'bob']) {
    const p = ex.position(userId);
    t.deepEqual(p.orders, {}, `${userId}: no ended order is remembered as open`);
    t.deepEqual(p.reservations, []);
    t.true(p.endedOrders.length <= ENDED_ORDERS_MEMORY, `${userId}: ${p.endedOrders.length} ended orders remembered`);
    t.true(p.requests.length <= REQUESTS_MEMORY);
    const a = ex.account(userId);
    t.deepEqual(a.openOrders, {});
    t.true(a.endedOrders.length <= RECENT_KEYS_MAX);
    // only the keys of the last settled trade are kept next to the high-water mark
    t.is(Object.keys(a.settled).length, 1);
    t.true(a.settled.REV!.keys.length <= 3, JSON.stringify(a.settled));
  }
  t.is(ex.position('alice').qty, String(open));
  t.true(ex.insurance.state().recentKeys.length <= RECENT_KEYS_MAX);
});
