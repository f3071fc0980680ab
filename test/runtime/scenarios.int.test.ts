import test from 'ava';
import { Scenario } from '../support/scenario.js';

test('open long as maker (fee refund) and short as taker, through matching and workflows', async (t) => {
  const s = await Scenario.start();
  try {
    await s.listBtc();
    await s.users('alice', 'bob');
    await s.deposit('alice', '10000');
    await s.deposit('bob', '10000');
    const a1 = await s.place('alice', 'BUY', '1000', '50000');
    t.is((await s.order(a1)).status, 'NEW');
    t.deepEqual(await s.wallet('alice'), { available: '4975', frozen: '5025', margin: '0' });
    const b1 = await s.place('bob', 'SELL', '1000', '50000');
    t.is((await s.order(a1)).status, 'FILLED');
    t.is((await s.order(b1)).status, 'FILLED');
    t.deepEqual(await s.wallet('alice'), { available: '4990', frozen: '0', margin: '5000' });
    t.deepEqual(await s.wallet('bob'), { available: '4975', frozen: '0', margin: '5000' });
    t.like(await s.position('alice'), { side: 'LONG', qty: '1000', entryNotional: '50000', margin: '5000', orders: {} });
    t.is(await s.platform('revenue.fees'), '35');
    t.deepEqual(await s.audit(), []);
  } finally {
    await s.stop();
  }
});
