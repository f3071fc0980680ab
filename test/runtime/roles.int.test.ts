import test from 'ava';
import { Scenario } from '../support/scenario.js';

test('a cancel that arrives while the order is PENDING ends it CANCELLED at acceptance, locks released', async (t) => {
  // api + matching only: nothing decides the order until the workflows start
  const s = await Scenario.start({ runtime: { roles: ['api', 'matching'] } });
  try {
    await s.exchange.createInstrument({ symbol: 'BTC-PERP', quoteAsset: 'USDT', contractSize: '0.001', tickSize: '0.1', lotSize: '1', makerFeeRate: '0.0002', takerFeeRate: '0.0005', initialMarginRate: '0.01', maintenanceMarginRate: '0.005', maxLeverage: 100, defaultLeverage: 10 });
    await s.users('alice', 'bob');
    await s.exchange.deposit('alice', 'USDT', '1000', 'tx-a');
    await s.exchange.deposit('bob', 'USDT', '1000', 'tx-b');
    const placed = await s.exchange.placeOrder('alice', { symbol: 'BTC-PERP', side: 'BUY', type: 'LIMIT', price: '50000', qty: '10', clientOrderId: 'a1' });
    const cancelled = await s.exchange.cancelOrder('alice', placed.orderId);
    t.truthy(cancelled.position);
    t.is((await s.order(placed.orderId)).status, 'PENDING');
    await s.restart({ roles: ['all'] });
    await s.settle();
    t.like(await s.order(placed.orderId), { status: 'CANCELLED', cancelRequested: true });
    t.deepEqual(await s.wallet('alice'), { available: '1000', frozen: '0', margin: '0' });
    t.deepEqual((await s.position('alice')).orders, {});
    // the book never saw it: a crossing sell rests instead of trading
    const b1 = await s.place('bob', 'SELL', '10', '50000');
    t.is((await s.order(b1)).status, 'NEW');
    t.deepEqual(await s.audit(), []);
    t.deepEqual(s.errors, []);
  } finally {
    await s.stop();
  }
});

test('a repeated placeOrder returns the same order; another payload under the same clientOrderId is IDEMPOTENCY_KEY_REUSED', async (t) => {
  const s = await Scenario.start();
  try {
    await s.listBtc();
    await s.users('alice');
    await s.deposit('alice', '1000');
    const input = { symbol: 'BTC-PERP', side: 'BUY' as const, type: 'LIMIT' as const, price: '50000', qty: '1', clientOrderId: 'same' };
    const first = await s.exchange.placeOrder('alice', input);
    const again = await s.exchange.placeOrder('alice', input);
    t.is(again.orderId, first.orderId);
    t.is(again.position, first.position);
    await t.throwsAsync(s.exchange.placeOrder('alice', { ...input, qty: '2' }), { message: /reused/ });
    await t.throwsAsync(s.exchange.placeOrder('alice', { ...input, clientOrderId: 'x', price: '50000.05' }), { message: /tick/ });
    await t.throwsAsync(s.exchange.withdraw('alice', 'USDT', '5000', 'w1'), { message: /exceeds available/ });
    await s.exchange.withdraw('alice', 'USDT', '100', 'w2');
    await s.settle();
    // 1000 − the order's freeze (5 + 0.025) − 100
    t.is((await s.wallet('alice')).available, '894.975');
    t.deepEqual(await s.audit(), []);
  } finally {
    await s.stop();
  }
});
