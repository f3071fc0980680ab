import test from 'ava';
import { DomainError } from '../../domain/shared/errors.js';
import { INSURANCE_USER_ID } from '../../domain/position/index.js';
import { Scenario } from '../support/scenario.js';

/** DESIGN §5 "Settlement details" 4: the actual position decides, reservations are cut newest first. */
test('two orders of one user race for the same quantity: the first fill consumes the other reservation', async (t) => {
  const s = await Scenario.start();
  try {
    await s.listBtc();
    await s.users('alice', 'bob', 'carol');
    for (const u of ['alice', 'bob', 'carol']) await s.deposit(u, '1000');
    await s.place('alice', 'BUY', '10', '50000');
    await s.place('bob', 'SELL', '10', '50000');
    t.deepEqual(await s.wallet('alice'), { available: '949.9', frozen: '0', margin: '50' });
    const a1 = await s.place('alice', 'SELL', '10', '51000', { reduceOnly: true });
    t.like((await s.order(a1)).accepted, { intent: 'CLOSE', closeQty: '10', openQty: '0' });
    // everything is reserved by a1, so a2 is an opening order with a freeze of 50.5 + 0.2525
    const a2 = await s.place('alice', 'SELL', '10', '50500');
    t.like((await s.order(a2)).accepted, { intent: 'INCREASE', closeQty: '0', openQty: '10', frozenMargin: '50.5', frozenFee: '0.2525' });
    // a2 fills first: against the actual long it closes (cost 500, pnl +5, maker fee 0.101),
    // takes a1's reservation, and its whole freeze comes back
    await s.place('bob', 'BUY', '10', '50500');
    t.deepEqual(await s.wallet('alice'), { available: '1004.799', frozen: '0', margin: '0' });
    t.like(await s.position('alice'), { side: null, qty: '0', reservations: [] });
    const cut = (await s.events()).find((e) => e.type === 'PositionReservationsCut' && e.stream === 'position-alice_BTC-PERP');
    t.deepEqual(cut?.data['cuts'], { [a1]: '10' });
    // a1 then fills against a flat position: it opens short 10 from the wallet (compensation)
    await s.place('carol', 'BUY', '10', '51000');
    t.deepEqual(await s.wallet('alice'), { available: '953.697', frozen: '0', margin: '51' });
    t.like(await s.position('alice'), { side: 'SHORT', qty: '10', entryNotional: '510', orders: {} });
    t.deepEqual(await s.audit(), []);
    t.deepEqual(s.errors, []);
  } finally {
    await s.stop();
  }
});

test('a liquidation racing a close order ends consistent whichever lands first', async (t) => {
  const s = await Scenario.start();
  try {
    await s.listBtc();
    const users = ['u0', 'u1', 'u2', 'u3', 'u4', 'taker'];
    await s.users(...users);
    for (const u of users) await s.deposit(u, '10000');
    await s.exchange.fundInsurance('USDT', '1000', 'ins');
    const outcomes: string[] = [];
    for (const [i, u] of users.slice(0, 5).entries()) {
      await s.place(u, 'BUY', '10', '50000');
      await s.place('taker', 'SELL', '10', '50000');
      await s.place(u, 'SELL', '10', '50000', { reduceOnly: true });
      // the fill (through matching and the workflows) and the admin's liquidation go at once
      const [liquidation] = await Promise.allSettled([
        s.exchange.liquidate(u, 'BTC-PERP', '49000', `liq-${i}`),
        s.exchange.placeOrder('taker', { symbol: 'BTC-PERP', side: 'BUY', type: 'LIMIT', price: '50000', qty: '10', clientOrderId: `race-${i}` }),
      ]);
      await s.settle();
      if (liquidation.status === 'rejected') {
        t.true(liquidation.reason instanceof DomainError && liquidation.reason.code === 'FAILED_PRECONDITION', String(liquidation.reason));
        outcomes.push('filled first');
        t.like(await s.position(u), { qty: '0', orders: {} });
      } else {
        outcomes.push('liquidated first');
        // the close order filled after the take-over: a short opened by compensation
        t.like(await s.position(u), { side: 'SHORT', qty: '10', orders: {} });
      }
    }
    t.is(outcomes.length, 5);
    const insurance = await s.position(INSURANCE_USER_ID);
    t.is(insurance.qty, String(10 * outcomes.filter((o) => o === 'liquidated first').length));
    t.deepEqual(await s.audit(), []);
    t.deepEqual(s.errors, []);
  } finally {
    await s.stop();
  }
});
