import test, { type ExecutionContext } from 'ava';
import { INSURANCE_USER_ID } from '../../domain/position/index.js';
import { ScenarioExchange } from './support/harness.js';

/**
 * Scenarios of DESIGN §5 driven only through the deciders (support/harness.ts plays the
 * reactions by hand). Instrument BTC-PERP: cs 0.001, tick 0.1, maker 0.0002, taker 0.0005,
 * IMR 0.01, default leverage 10. Every expected value is worked out by hand in the comments;
 * after every step the ledger audit (both books, user funds, open interest, clearing.pnl,
 * custody) must be clean and every command delivered so far must be a no-op when repeated.
 */

function step(t: ExecutionContext, ex: ScenarioExchange, label: string, action: () => void): void {
  action();
  t.deepEqual(ex.audit(), [], `audit after: ${label}`);
  t.deepEqual(ex.redeliverAll(), [], `redelivery after: ${label}`);
}

function wallet(t: ExecutionContext, ex: ScenarioExchange, userId: string, expected: { available: string; frozen: string; margin: string }): void {
  t.deepEqual(ex.wallet(userId), expected, `wallet of ${userId}`);
}

function replays(t: ExecutionContext, ex: ScenarioExchange): void {
  const replayed = ex.replay();
  t.deepEqual(replayed.positions, ex.positions, 'positions replay to the same state');
  t.deepEqual(replayed.accounts, ex.accounts, 'accounts replay to the same state');
  t.deepEqual(replayed.insurance, ex.insurance.state(), 'the insurance fund replays to the same state');
}

/** alice long 1000 @ 50000 as maker against bob's taker sell (both leverage 10, 10000 deposited). */
function aliceLong1000(t: ExecutionContext, ex: ScenarioExchange): void {
  step(t, ex, 'deposits', () => {
    ex.deposit('alice', '10000');
    ex.deposit('bob', '10000');
  });
  step(t, ex, 'alice rests BUY 1000 @ 50000', () => {
    // freeze: margin 50000/10 = 5000, taker fee 50000 × 0.0005 = 25
    t.deepEqual(ex.place({ orderId: 'a1', userId: 'alice', side: 'BUY', qty: '1000', price: '50000' }), { status: 'NEW', intent: 'INCREASE', closeQty: '0', openQty: '1000' });
  });
  wallet(t, ex, 'alice', { available: '4975', frozen: '5025', margin: '0' });
  step(t, ex, 'bob sells 1000 into it', () => {
    ex.place({ orderId: 'b1', userId: 'bob', side: 'SELL', qty: '1000', price: '50000' });
    ex.trade({ maker: 'a1', taker: 'b1', qty: '1000' });
  });
}

test('open long as maker (fee refund) and short as taker', (t) => {
  const ex = new ScenarioExchange();
  aliceLong1000(t, ex);
  // alice maker: margin 5000, fee 50000 × 0.0002 = 10, refund 25 − 10 = 15 → 4975 + 15
  wallet(t, ex, 'alice', { available: '4990', frozen: '0', margin: '5000' });
  // bob taker: margin 5000, fee 25 exactly as frozen
  wallet(t, ex, 'bob', { available: '4975', frozen: '0', margin: '5000' });
  t.like(ex.position('alice'), { side: 'LONG', qty: '1000', entryNotional: '50000', margin: '5000' });
  t.like(ex.position('bob'), { side: 'SHORT', qty: '1000', entryNotional: '50000', margin: '5000' });
  t.is(ex.platform('revenue.fees'), '35');
  t.is(ex.platform('liability.userFunds'), '19965');
  t.is(ex.platform('custody.wallet'), '20000');
  t.is(ex.platform('clearing.pnl'), '0');
  replays(t, ex);
});

test('open long as taker buying below its limit: margin and fee refunded', (t) => {
  const ex = new ScenarioExchange();
  step(t, ex, 'deposits', () => {
    ex.deposit('bob', '10000');
    ex.deposit('carol', '10000');
  });
  step(t, ex, 'bob rests SELL 1000 @ 49000, carol buys up to 50000', () => {
    ex.place({ orderId: 'b1', userId: 'bob', side: 'SELL', qty: '1000', price: '49000' });
    ex.place({ orderId: 'c1', userId: 'carol', side: 'BUY', qty: '1000', price: '50000' });
    ex.trade({ maker: 'b1', taker: 'c1', qty: '1000' });
  });
  // carol froze 5000 + 25; at 49000 margin 4900, fee 24.5 → refund 100 + 0.5
  wallet(t, ex, 'carol', { available: '5075.5', frozen: '0', margin: '4900' });
  // bob froze 4900 + 24.5; maker fee 49000 × 0.0002 = 9.8 → refund 14.7
  wallet(t, ex, 'bob', { available: '5090.2', frozen: '0', margin: '4900' });
  t.is(ex.platform('revenue.fees'), '34.3');
  replays(t, ex);
});

test('partial fills 2000 + 3000 at leverage 3: the last share takes the remainder', (t) => {
  const ex = new ScenarioExchange();
  step(t, ex, 'deposits and leverage', () => {
    ex.deposit('alice', '100000');
    ex.deposit('bob', '20000');
    ex.deposit('carol', '20000');
    ex.setLeverage('alice', 3);
  });
  step(t, ex, 'alice rests BUY 5000 @ 50000.3', () => ex.place({ orderId: 'a1', userId: 'alice', side: 'BUY', qty: '5000', price: '50000.3' }));
  // notional 250001.5: margin 250001.5 / 3 = 83333.8333… ↑ 83333.83333334; fee 125.00075
  t.like(ex.position('alice').orders.a1, { frozenMargin: '83333.83333334', frozenFee: '125.00075', leverage: 3 });
  wallet(t, ex, 'alice', { available: '16541.16591666', frozen: '83458.83408334', margin: '0' });
  step(t, ex, 'bob takes 2000', () => {
    ex.place({ orderId: 'b1', userId: 'bob', side: 'SELL', qty: '2000', price: '50000.3' });
    ex.trade({ maker: 'a1', taker: 'b1', qty: '2000' });
  });
  // frozen left: 83458.83408334 − 33333.53333333 − 50.0003 = 50075.30045001
  // share 83333.83333334 × 2/5 = 33333.533333336 ↓ 33333.53333333 < initial margin 100000.6/3 ↑ 33333.53333334 → capped;
  // fee share 50.0003, maker fee 100000.6 × 0.0002 = 20.00012 → refund 30.00018
  t.like(ex.position('alice'), { qty: '2000', margin: '33333.53333333', entryNotional: '100000.6' });
  wallet(t, ex, 'alice', { available: '16571.16609666', frozen: '50075.30045001', margin: '33333.53333333' });
  step(t, ex, 'carol takes 3000', () => {
    ex.place({ orderId: 'c1', userId: 'carol', side: 'SELL', qty: '3000', price: '50000.3' });
    ex.trade({ maker: 'a1', taker: 'c1', qty: '3000' });
  });
  // last share = the rest 50000.30000001, initial margin 150000.9/3 = 50000.3 → refund 0.00000001;
  // fee share 75.00045, maker fee 30.00018 → refund 45.00027
  t.like(ex.position('alice'), { qty: '5000', margin: '83333.83333333', entryNotional: '250001.5' });
  wallet(t, ex, 'alice', { available: '16616.16636667', frozen: '0', margin: '83333.83333333' });
  // bob: 20000 − margin 100000.6/10 = 10000.06 − fee 50.0003; carol: 20000 − 15000.09 − 75.00045
  wallet(t, ex, 'bob', { available: '9949.9397', frozen: '0', margin: '10000.06' });
  wallet(t, ex, 'carol', { available: '4924.90955', frozen: '0', margin: '15000.09' });
  replays(t, ex);
});

test('reduce with profit, reduce with a loss, then full close', (t) => {
  const ex = new ScenarioExchange();
  aliceLong1000(t, ex);
  step(t, ex, 'alice reduces 400 @ 51000 as maker', () => {
    ex.deposit('carol', '10000');
    t.deepEqual(ex.place({ orderId: 'a2', userId: 'alice', side: 'SELL', qty: '400', price: '51000' }), { status: 'NEW', intent: 'REDUCE', closeQty: '400', openQty: '0' });
    ex.place({ orderId: 'c1', userId: 'carol', side: 'BUY', qty: '400', price: '51000' });
    ex.trade({ maker: 'a2', taker: 'c1', qty: '400' });
  });
  // cost 20000, margin 2000 released, pnl 20400 − 20000 = 400, fee 20400 × 0.0002 = 4.08
  wallet(t, ex, 'alice', { available: '7385.92', frozen: '0', margin: '3000' });
  t.like(ex.position('alice'), { qty: '600', entryNotional: '30000', realizedPnl: '400' });
  // carol opens long 400 @ 51000: margin 2040, taker fee 10.2
  wallet(t, ex, 'carol', { available: '7949.8', frozen: '0', margin: '2040' });

  step(t, ex, 'alice reduces 300 @ 49000.5 as taker', () => {
    ex.deposit('dave', '10000');
    ex.place({ orderId: 'd1', userId: 'dave', side: 'BUY', qty: '300', price: '49000.5' });
    ex.place({ orderId: 'a3', userId: 'alice', side: 'SELL', qty: '300', price: '49000.5' });
    ex.trade({ maker: 'd1', taker: 'a3', qty: '300' });
  });
  // cost 30000 × 300/600 = 15000, margin 1500, exit 14700.15 → pnl −299.85, fee 14700.15 × 0.0005 = 7.350075
  wallet(t, ex, 'alice', { available: '8578.719925', frozen: '0', margin: '1500' });
  t.like(ex.position('alice'), { qty: '300', entryNotional: '15000', realizedPnl: '100.15' });
  // dave froze 1470.015 + 7.350075; maker fee 2.94003 → refund 4.410045
  wallet(t, ex, 'dave', { available: '8527.04497', frozen: '0', margin: '1470.015' });

  step(t, ex, 'alice closes the rest @ 50000 as maker', () => {
    t.deepEqual(ex.place({ orderId: 'a4', userId: 'alice', side: 'SELL', qty: '300', price: '50000' }), { status: 'NEW', intent: 'CLOSE', closeQty: '300', openQty: '0' });
    ex.place({ orderId: 'd2', userId: 'dave', side: 'BUY', qty: '300', price: '50000' });
    ex.trade({ maker: 'a4', taker: 'd2', qty: '300' });
  });
  // cost 15000, margin 1500, pnl 0, fee 3: 10000 + 400 − 299.85 − (10 + 4.08 + 7.350075 + 3) = 10075.719925
  wallet(t, ex, 'alice', { available: '10075.719925', frozen: '0', margin: '0' });
  t.like(ex.position('alice'), { side: null, qty: '0', entryNotional: '0', margin: '0', realizedPnl: '100.15', reservations: [] });
  replays(t, ex);
});

test('a direct flip: long 10, sell 15 → close 10, open short 5, fee split, both keys applied once', (t) => {
  const ex = new ScenarioExchange();
  step(t, ex, 'alice long 10 @ 50000 as maker', () => {
    ex.deposit('alice', '1000');
    ex.deposit('bob', '1000');
    ex.deposit('carol', '1000');
    ex.place({ orderId: 'a1', userId: 'alice', side: 'BUY', qty: '10', price: '50000' });
    ex.place({ orderId: 'b1', userId: 'bob', side: 'SELL', qty: '10', price: '50000' });
    ex.trade({ maker: 'a1', taker: 'b1', qty: '10' });
  });
  // froze 50 + 0.25; maker fee 0.1 → 1000 − 50.25 + 0.15
  wallet(t, ex, 'alice', { available: '949.9', frozen: '0', margin: '50' });
  step(t, ex, 'alice sells 15 into carol', () => {
    ex.place({ orderId: 'c1', userId: 'carol', side: 'BUY', qty: '15', price: '50000' });
    t.deepEqual(ex.place({ orderId: 'a2', userId: 'alice', side: 'SELL', qty: '15', price: '50000' }), { status: 'NEW', intent: 'FLIP', closeQty: '10', openQty: '5' });
    // freeze for the open 5: 25 + 0.125
    wallet(t, ex, 'alice', { available: '924.775', frozen: '25.125', margin: '50' });
    ex.trade({ maker: 'c1', taker: 'a2', qty: '15', tradeId: 'flip' });
  });
  // fee 750 × 0.0005 = 0.375 → close 0.25, open 0.125; close: +50 margin, pnl 0, −0.25; open: margin 25 + fee 0.125 from the freeze
  wallet(t, ex, 'alice', { available: '974.525', frozen: '0', margin: '25' });
  t.like(ex.position('alice'), { side: 'SHORT', qty: '5', entryNotional: '250', margin: '25' });
  const keys = ex.log.filter((e) => e.key.startsWith('flip:')).map((e) => `${e.stream} ${e.type} ${e.key}`);
  t.deepEqual(keys, [
    'position-carol_BTC-PERP PositionIncreased flip:OPEN',
    'account-carol TradeMarginSettled flip:OPEN',
    'position-alice_BTC-PERP PositionMarginReleased flip:FLIP_CLOSE',
    'position-alice_BTC-PERP PositionIncreased flip:FLIP_OPEN',
    'account-alice ReleasedMarginCredited flip:FLIP_CLOSE',
    'account-alice TradeMarginSettled flip:FLIP_OPEN',
  ]);
  replays(t, ex);
});

test('a close order whose position was liquidated first: compensation, negative wallet, deficit', (t) => {
  const ex = new ScenarioExchange();
  step(t, ex, 'alice long 10 @ 50000 with a thin wallet', () => {
    ex.deposit('alice', '51');
    ex.deposit('bob', '1000');
    ex.deposit('carol', '1000');
    ex.place({ orderId: 'a1', userId: 'alice', side: 'BUY', qty: '10', price: '50000' });
    ex.place({ orderId: 'b1', userId: 'bob', side: 'SELL', qty: '10', price: '50000' });
    ex.trade({ maker: 'a1', taker: 'b1', qty: '10' });
  });
  wallet(t, ex, 'alice', { available: '0.9', frozen: '0', margin: '50' });
  step(t, ex, 'alice rests a reduce-only close SELL 10 @ 46000', () => {
    t.deepEqual(ex.place({ orderId: 'a2', userId: 'alice', side: 'SELL', qty: '10', price: '46000', reduceOnly: true }), { status: 'NEW', intent: 'CLOSE', closeQty: '10', openQty: '0' });
  });
  step(t, ex, 'liquidation at 45000', () => ex.liquidate('alice', '45000', 'liq-1'));
  // pnl 450 − 500 = −50, margin 50 released: 0.9 + 50 − 50
  wallet(t, ex, 'alice', { available: '0.9', frozen: '0', margin: '0' });
  t.like(ex.position('alice'), { side: null, qty: '0', reservations: [] });
  t.like(ex.position(INSURANCE_USER_ID), { side: 'LONG', qty: '10', entryNotional: '450', margin: '0' });
  t.is(ex.platform('clearing.pnl'), '-50');
  step(t, ex, 'carol lifts the close order', () => {
    ex.place({ orderId: 'c1', userId: 'carol', side: 'BUY', qty: '10', price: '46000' });
    ex.trade({ maker: 'a2', taker: 'c1', qty: '10' });
  });
  // flat → the sell opens short 10 with no freeze: margin 460/10 = 46, maker fee 0.092 → 0.9 − 46.092
  wallet(t, ex, 'alice', { available: '-45.192', frozen: '0', margin: '46' });
  t.like(ex.position('alice'), { side: 'SHORT', qty: '10', entryNotional: '460', margin: '46' });
  t.true(ex.log.some((e) => e.stream === 'account-alice' && e.type === 'CloseToOpenCompensated'));
  step(t, ex, 'an opening order in deficit is rejected and rolled back', () => {
    t.deepEqual(ex.place({ orderId: 'a3', userId: 'alice', side: 'SELL', qty: '1', price: '46000' }), { status: 'REJECTED', reason: 'ACCOUNT_IN_DEFICIT' });
  });
  t.deepEqual(ex.position('alice').orders, {});
  step(t, ex, 'a deposit repays the deficit', () => ex.deposit('alice', '50'));
  wallet(t, ex, 'alice', { available: '4.808', frozen: '0', margin: '46' });
  replays(t, ex);
});

test('an increase order that became a close because another order flipped first: its freeze fully refunded', (t) => {
  const ex = new ScenarioExchange();
  step(t, ex, 'alice long 10 @ 50000', () => {
    for (const u of ['alice', 'bob', 'carol', 'dave']) ex.deposit(u, '1000');
    ex.place({ orderId: 'a1', userId: 'alice', side: 'BUY', qty: '10', price: '50000' });
    ex.place({ orderId: 'b1', userId: 'bob', side: 'SELL', qty: '10', price: '50000' });
    ex.trade({ maker: 'a1', taker: 'b1', qty: '10' });
  });
  step(t, ex, 'alice: a flip SELL 15 and an increase BUY 5 @ 49000', () => {
    ex.place({ orderId: 'a2', userId: 'alice', side: 'SELL', qty: '15', price: '50000' });
    // increase: 245/10 = 24.5 + 0.1225
    t.deepEqual(ex.place({ orderId: 'a3', userId: 'alice', side: 'BUY', qty: '5', price: '49000' }), { status: 'NEW', intent: 'INCREASE', closeQty: '0', openQty: '5' });
  });
  wallet(t, ex, 'alice', { available: '900.1525', frozen: '49.7475', margin: '50' });
  step(t, ex, 'the flip fills first', () => {
    ex.place({ orderId: 'c1', userId: 'carol', side: 'BUY', qty: '15', price: '50000' });
    ex.trade({ maker: 'c1', taker: 'a2', qty: '15' });
  });
  wallet(t, ex, 'alice', { available: '949.9025', frozen: '24.6225', margin: '25' });
  step(t, ex, 'then the increase order fills against a short of 5', () => {
    ex.place({ orderId: 'd1', userId: 'dave', side: 'SELL', qty: '5', price: '49000' });
    ex.trade({ maker: 'a3', taker: 'd1', qty: '5' });
  });
  // it closes the short: cost 250, margin 25, pnl 250 − 245 = 5, maker fee 0.049; the freeze 24.6225 comes back whole
  // 949.9025 + 25 + 5 − 0.049 + 24.6225 = 1004.476
  wallet(t, ex, 'alice', { available: '1004.476', frozen: '0', margin: '0' });
  t.like(ex.position('alice'), { side: null, qty: '0', orders: {} });
  const released = ex.log.find((e) => e.type === 'OrderLocksReleased' && e.key === 'a3:END');
  t.like(released?.data, { unfreezeMargin: '24.5', unfreezeFee: '0.1225' });
  replays(t, ex);
});

test('cancel of a partially filled order at leverage 3 releases exactly the remainder', (t) => {
  const ex = new ScenarioExchange();
  step(t, ex, 'alice at leverage 3 rests BUY 7 @ 50000.3', () => {
    ex.deposit('alice', '1000');
    ex.deposit('bob', '1000');
    ex.setLeverage('alice', 3);
    ex.place({ orderId: 'a1', userId: 'alice', side: 'BUY', qty: '7', price: '50000.3' });
  });
  // notional 350.0021 / 3 = 116.6673666… ↑ 116.66736667; fee 0.17500105
  wallet(t, ex, 'alice', { available: '883.15763228', frozen: '116.84236772', margin: '0' });
  step(t, ex, 'bob takes 3', () => {
    ex.place({ orderId: 'b1', userId: 'bob', side: 'SELL', qty: '3', price: '50000.3' });
    ex.trade({ maker: 'a1', taker: 'b1', qty: '3' });
  });
  // share 116.66736667 × 3/7 ↓ 50.0003 = initial margin 150.0009/3; fee share 0.07500045, maker fee 0.03000018 → refund 0.04500027
  wallet(t, ex, 'alice', { available: '883.20263255', frozen: '66.76706727', margin: '50.0003' });
  step(t, ex, 'alice cancels the remaining 4', () => ex.cancel('a1'));
  const released = ex.log.find((e) => e.key === 'a1:END' && e.type === 'OrderLocksReleased');
  t.like(released?.data, { unfreezeMargin: '66.66706667', unfreezeFee: '0.1000006' });
  // 1000 − 50.0003 − 0.03000018
  wallet(t, ex, 'alice', { available: '949.96969982', frozen: '0', margin: '50.0003' });
  replays(t, ex);
});

test('a sell filled above its limit: margin capped at the frozen share, fee shortfall from available', (t) => {
  const ex = new ScenarioExchange();
  step(t, ex, 'bob rests BUY 1000 @ 51000, alice sells at 50000', () => {
    ex.deposit('alice', '6000');
    ex.deposit('bob', '10000');
    ex.place({ orderId: 'b1', userId: 'bob', side: 'BUY', qty: '1000', price: '51000' });
    ex.place({ orderId: 'a1', userId: 'alice', side: 'SELL', qty: '1000', price: '50000' });
    ex.trade({ maker: 'b1', taker: 'a1', qty: '1000' });
  });
  // alice froze 5000 + 25; at 51000 margin 5100 → capped 5000; fee 25.5 → 0.5 from available
  wallet(t, ex, 'alice', { available: '974.5', frozen: '0', margin: '5000' });
  t.like(ex.position('alice'), { side: 'SHORT', entryNotional: '51000', margin: '5000' });
  const increased = ex.log.find((e) => e.stream === 'position-alice_BTC-PERP' && e.type === 'PositionIncreased');
  t.like(increased?.data, { margin: '5000', fee: '25.5', frozenFeeUsed: '25', feeShortfall: '0.5', refund: '0' });
  replays(t, ex);
});

test('the insurance account takes over, trades out reduce-only, and nets an opposite take-over', (t) => {
  const ex = new ScenarioExchange();
  step(t, ex, 'alice long 10 / bob short 10 @ 50000, insurance funded', () => {
    ex.deposit('alice', '100');
    ex.deposit('bob', '1000');
    ex.deposit('carol', '1000');
    ex.fundInsurance('1000');
    ex.place({ orderId: 'a1', userId: 'alice', side: 'BUY', qty: '10', price: '50000' });
    ex.place({ orderId: 'b1', userId: 'bob', side: 'SELL', qty: '10', price: '50000' });
    ex.trade({ maker: 'a1', taker: 'b1', qty: '10' });
  });
  step(t, ex, 'alice liquidated at 45000', () => ex.liquidate('alice', '45000', 'liq-a'));
  t.like(ex.position(INSURANCE_USER_ID), { side: 'LONG', qty: '10', entryNotional: '450' });
  step(t, ex, 'insurance sells 4 @ 45500 reduce-only to carol', () => {
    t.deepEqual(ex.place({ orderId: 'i1', userId: INSURANCE_USER_ID, side: 'SELL', qty: '4', price: '45500', reduceOnly: true }), { status: 'NEW', intent: 'REDUCE', closeQty: '4', openQty: '0' });
    ex.place({ orderId: 'c1', userId: 'carol', side: 'BUY', qty: '4', price: '45500' });
    ex.trade({ maker: 'i1', taker: 'c1', qty: '4' });
  });
  // cost 450 × 4/10 = 180, pnl 182 − 180 = 2, maker fee 182 × 0.0002 = 0.0364 from the fund
  t.like(ex.position(INSURANCE_USER_ID), { side: 'LONG', qty: '6', entryNotional: '270', margin: '0' });
  t.is(ex.insurance.state().fund, '1001.9636');
  // carol: margin 18.2, taker fee 0.091
  wallet(t, ex, 'carol', { available: '981.709', frozen: '0', margin: '18.2' });
  step(t, ex, 'bob liquidated at 46000 onto the insurance long', () => ex.liquidate('bob', '46000', 'liq-b'));
  // bob: pnl 500 − 460 = 40, margin 50 back: 1000 − 50.25 + 50 + 40
  wallet(t, ex, 'bob', { available: '1039.75', frozen: '0', margin: '0' });
  // insurance closes 6 (cost 270, pnl 276 − 270 = 6) and holds short 4 @ 46000
  t.like(ex.position(INSURANCE_USER_ID), { side: 'SHORT', qty: '4', entryNotional: '184' });
  t.is(ex.insurance.state().fund, '1007.9636');
  t.is(ex.platform('equity.insuranceFund'), '1007.9636');
  // clearing: −50 (alice) + 2 + 40 (bob) + 6 = −2 = carol 182 − insurance 184
  t.is(ex.platform('clearing.pnl'), '-2');
  replays(t, ex);
});

test('the audit is not blind: a position that disagrees with the ledger is reported', (t) => {
  const ex = new ScenarioExchange();
  aliceLong1000(t, ex);
  const alice = ex.position('alice');
  ex.positions.set(ex.positionStream('alice'), { ...alice, qty: '999', entryNotional: '49950' });
  const problems = ex.audit();
  t.true(problems.some((p) => p.startsWith('OPEN_INTEREST')), problems.join('\n'));
  t.true(problems.some((p) => p.startsWith('CLEARING_PNL')), problems.join('\n'));
});
