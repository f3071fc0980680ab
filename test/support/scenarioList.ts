import type { ExecutionContext } from 'ava';
import { INSURANCE_USER_ID } from '../../domain/position/index.js';
import type { Scenario } from './scenario.js';

/**
 * The domain issue's scenario list, driven through the command API with real matching and the
 * workflows (the same numbers as test/domain/scenarios.unit.test.ts, worked out there by hand).
 * Each ends with the audit of the whole log read back from the store.
 */
export type ScenarioCase = (t: ExecutionContext, s: Scenario) => Promise<void>;

async function aliceLong1000(t: ExecutionContext, s: Scenario): Promise<void> {
  await s.listBtc();
  await s.users('alice', 'bob', 'carol', 'dave');
  await s.deposit('alice', '10000');
  await s.deposit('bob', '10000');
  await s.place('alice', 'BUY', '1000', '50000');
  t.deepEqual(await s.wallet('alice'), { available: '4975', frozen: '5025', margin: '0' });
  await s.place('bob', 'SELL', '1000', '50000');
}

export const scenarios: Record<string, ScenarioCase> = {
  async 'open long as maker (fee refund) and short as taker'(t, s) {
    await aliceLong1000(t, s);
    t.deepEqual(await s.wallet('alice'), { available: '4990', frozen: '0', margin: '5000' });
    t.deepEqual(await s.wallet('bob'), { available: '4975', frozen: '0', margin: '5000' });
    t.like(await s.position('alice'), { side: 'LONG', qty: '1000', entryNotional: '50000', margin: '5000' });
    t.like(await s.position('bob'), { side: 'SHORT', qty: '1000', entryNotional: '50000', margin: '5000' });
    t.is(await s.platform('revenue.fees'), '35');
    t.is(await s.platform('liability.userFunds'), '19965');
  },

  async 'open long as taker buying below its limit: margin and fee refunded'(t, s) {
    await s.listBtc();
    await s.users('bob', 'carol');
    await s.deposit('bob', '10000');
    await s.deposit('carol', '10000');
    await s.place('bob', 'SELL', '1000', '49000');
    const c1 = await s.place('carol', 'BUY', '1000', '50000');
    t.like(await s.order(c1), { status: 'FILLED', filledQty: '1000', feeTotal: '24.5' });
    t.deepEqual(await s.wallet('carol'), { available: '5075.5', frozen: '0', margin: '4900' });
    t.deepEqual(await s.wallet('bob'), { available: '5090.2', frozen: '0', margin: '4900' });
    t.is(await s.platform('revenue.fees'), '34.3');
  },

  async 'partial fills 2000 + 3000 at leverage 3: the last share takes the remainder'(t, s) {
    await s.listBtc();
    await s.users('alice', 'bob', 'carol');
    await s.deposit('alice', '100000');
    await s.deposit('bob', '20000');
    await s.deposit('carol', '20000');
    await s.exchange.setLeverage('alice', 'BTC-PERP', 3, 'lev-1');
    const a1 = await s.place('alice', 'BUY', '5000', '50000.3');
    t.like((await s.position('alice')).orders[a1], { frozenMargin: '83333.83333334', frozenFee: '125.00075', leverage: 3 });
    t.deepEqual(await s.wallet('alice'), { available: '16541.16591666', frozen: '83458.83408334', margin: '0' });
    await s.place('bob', 'SELL', '2000', '50000.3');
    t.like(await s.position('alice'), { qty: '2000', margin: '33333.53333333', entryNotional: '100000.6' });
    t.deepEqual(await s.wallet('alice'), { available: '16571.16609666', frozen: '50075.30045001', margin: '33333.53333333' });
    t.like(await s.order(a1), { status: 'PARTIALLY_FILLED', filledQty: '2000' });
    await s.place('carol', 'SELL', '3000', '50000.3');
    t.like(await s.position('alice'), { qty: '5000', margin: '83333.83333333', entryNotional: '250001.5' });
    t.deepEqual(await s.wallet('alice'), { available: '16616.16636667', frozen: '0', margin: '83333.83333333' });
    t.deepEqual(await s.wallet('bob'), { available: '9949.9397', frozen: '0', margin: '10000.06' });
    t.deepEqual(await s.wallet('carol'), { available: '4924.90955', frozen: '0', margin: '15000.09' });
    t.is((await s.order(a1)).status, 'FILLED');
  },

  async 'reduce with profit, reduce with a loss, then full close'(t, s) {
    await aliceLong1000(t, s);
    await s.deposit('carol', '10000');
    const a2 = await s.place('alice', 'SELL', '400', '51000');
    t.like((await s.order(a2)).accepted, { intent: 'REDUCE', closeQty: '400', openQty: '0' });
    await s.place('carol', 'BUY', '400', '51000');
    t.deepEqual(await s.wallet('alice'), { available: '7385.92', frozen: '0', margin: '3000' });
    t.like(await s.position('alice'), { qty: '600', entryNotional: '30000', realizedPnl: '400' });
    t.deepEqual(await s.wallet('carol'), { available: '7949.8', frozen: '0', margin: '2040' });
    await s.deposit('dave', '10000');
    await s.place('dave', 'BUY', '300', '49000.5');
    await s.place('alice', 'SELL', '300', '49000.5');
    t.deepEqual(await s.wallet('alice'), { available: '8578.719925', frozen: '0', margin: '1500' });
    t.like(await s.position('alice'), { qty: '300', entryNotional: '15000', realizedPnl: '100.15' });
    t.deepEqual(await s.wallet('dave'), { available: '8527.04497', frozen: '0', margin: '1470.015' });
    const a4 = await s.place('alice', 'SELL', '300', '50000');
    t.like((await s.order(a4)).accepted, { intent: 'CLOSE', closeQty: '300', openQty: '0' });
    await s.place('dave', 'BUY', '300', '50000');
    t.deepEqual(await s.wallet('alice'), { available: '10075.719925', frozen: '0', margin: '0' });
    t.like(await s.position('alice'), { side: null, qty: '0', entryNotional: '0', margin: '0', realizedPnl: '100.15', reservations: [] });
  },

  async 'a direct flip: long 10, sell 15 → close 10, open short 5, fee split, both keys applied once'(t, s) {
    await s.listBtc();
    await s.users('alice', 'bob', 'carol');
    for (const u of ['alice', 'bob', 'carol']) await s.deposit(u, '1000');
    await s.place('alice', 'BUY', '10', '50000');
    await s.place('bob', 'SELL', '10', '50000');
    t.deepEqual(await s.wallet('alice'), { available: '949.9', frozen: '0', margin: '50' });
    await s.place('carol', 'BUY', '15', '50000');
    const a2 = await s.place('alice', 'SELL', '15', '50000');
    t.like((await s.order(a2)).accepted, { intent: 'FLIP', closeQty: '10', openQty: '5', frozenMargin: '25', frozenFee: '0.125' });
    t.deepEqual(await s.wallet('alice'), { available: '974.525', frozen: '0', margin: '25' });
    t.like(await s.position('alice'), { side: 'SHORT', qty: '5', entryNotional: '250', margin: '25' });
    const tradeId = (await s.order(a2)).fills[0]![0];
    const keys = (await s.events())
      .filter((e) => ['position-alice_BTC-PERP', 'account-alice'].includes(e.stream) && String(e.metadata.idempotencyKey).startsWith(`${tradeId}:`))
      .map((e) => `${e.stream} ${e.type} ${String(e.metadata.idempotencyKey).slice(tradeId.length)}`);
    t.deepEqual(keys, [
      'position-alice_BTC-PERP PositionMarginReleased :FLIP_CLOSE',
      'position-alice_BTC-PERP PositionIncreased :FLIP_OPEN',
      'account-alice ReleasedMarginCredited :FLIP_CLOSE',
      'account-alice TradeMarginSettled :FLIP_OPEN',
    ]);
  },

  async 'a close order whose position was liquidated first: compensation, negative wallet, deficit'(t, s) {
    await s.listBtc();
    await s.users('alice', 'bob', 'carol');
    await s.deposit('alice', '51');
    await s.deposit('bob', '1000');
    await s.deposit('carol', '1000');
    await s.place('alice', 'BUY', '10', '50000');
    await s.place('bob', 'SELL', '10', '50000');
    t.deepEqual(await s.wallet('alice'), { available: '0.9', frozen: '0', margin: '50' });
    const a2 = await s.place('alice', 'SELL', '10', '46000', { reduceOnly: true });
    t.like((await s.order(a2)).accepted, { intent: 'CLOSE', closeQty: '10', openQty: '0' });
    await s.exchange.liquidate('alice', 'BTC-PERP', '45000', 'liq-1');
    await s.settle();
    t.deepEqual(await s.wallet('alice'), { available: '0.9', frozen: '0', margin: '0' });
    t.like(await s.position('alice'), { side: null, qty: '0', reservations: [] });
    t.like(await s.position(INSURANCE_USER_ID), { side: 'LONG', qty: '10', entryNotional: '450', margin: '0' });
    t.is(await s.platform('clearing.pnl'), '-50');
    await s.place('carol', 'BUY', '10', '46000');
    t.deepEqual(await s.wallet('alice'), { available: '-45.192', frozen: '0', margin: '46' });
    t.like(await s.position('alice'), { side: 'SHORT', qty: '10', entryNotional: '460', margin: '46' });
    t.true((await s.events()).some((e) => e.stream === 'account-alice' && e.type === 'CloseToOpenCompensated'));
    const a3 = await s.place('alice', 'SELL', '1', '46000');
    t.like(await s.order(a3), { status: 'REJECTED', rejectReason: 'ACCOUNT_IN_DEFICIT' });
    t.deepEqual((await s.position('alice')).orders, {});
    await s.deposit('alice', '50');
    t.deepEqual(await s.wallet('alice'), { available: '4.808', frozen: '0', margin: '46' });
  },

  async 'an increase order that became a close because another order flipped first: its freeze fully refunded'(t, s) {
    await s.listBtc();
    await s.users('alice', 'bob', 'carol', 'dave');
    for (const u of ['alice', 'bob', 'carol', 'dave']) await s.deposit(u, '1000');
    await s.place('alice', 'BUY', '10', '50000');
    await s.place('bob', 'SELL', '10', '50000');
    const a3 = await s.place('alice', 'BUY', '5', '49000');
    t.like((await s.order(a3)).accepted, { intent: 'INCREASE', openQty: '5', frozenMargin: '24.5', frozenFee: '0.1225' });
    await s.place('carol', 'BUY', '15', '50000');
    await s.place('alice', 'SELL', '15', '50000');
    t.deepEqual(await s.wallet('alice'), { available: '949.9025', frozen: '24.6225', margin: '25' });
    await s.place('dave', 'SELL', '5', '49000');
    t.deepEqual(await s.wallet('alice'), { available: '1004.476', frozen: '0', margin: '0' });
    t.like(await s.position('alice'), { side: null, qty: '0', orders: {} });
    const released = (await s.events()).find((e) => e.type === 'OrderLocksReleased' && e.data['orderId'] === a3);
    t.like(released?.data, { unfreezeMargin: '24.5', unfreezeFee: '0.1225' });
  },

  async 'cancel of a partially filled order at leverage 3 releases exactly the remainder'(t, s) {
    await s.listBtc();
    await s.users('alice', 'bob');
    await s.deposit('alice', '1000');
    await s.deposit('bob', '1000');
    await s.exchange.setLeverage('alice', 'BTC-PERP', 3, 'lev-1');
    const a1 = await s.place('alice', 'BUY', '7', '50000.3');
    t.deepEqual(await s.wallet('alice'), { available: '883.15763228', frozen: '116.84236772', margin: '0' });
    await s.place('bob', 'SELL', '3', '50000.3');
    t.deepEqual(await s.wallet('alice'), { available: '883.20263255', frozen: '66.76706727', margin: '50.0003' });
    await s.cancel('alice', a1);
    const released = (await s.events()).find((e) => e.type === 'OrderLocksReleased' && e.data['orderId'] === a1);
    t.like(released?.data, { unfreezeMargin: '66.66706667', unfreezeFee: '0.1000006' });
    t.deepEqual(await s.wallet('alice'), { available: '949.96969982', frozen: '0', margin: '50.0003' });
    t.like(await s.order(a1), { status: 'CANCELLED', filledQty: '3' });
  },

  async 'a sell filled above its limit: margin capped at the frozen share, fee shortfall from available'(t, s) {
    await s.listBtc();
    await s.users('alice', 'bob');
    await s.deposit('alice', '6000');
    await s.deposit('bob', '10000');
    await s.place('bob', 'BUY', '1000', '51000');
    await s.place('alice', 'SELL', '1000', '50000');
    t.deepEqual(await s.wallet('alice'), { available: '974.5', frozen: '0', margin: '5000' });
    t.like(await s.position('alice'), { side: 'SHORT', entryNotional: '51000', margin: '5000' });
    const increased = (await s.events()).find((e) => e.stream === 'position-alice_BTC-PERP' && e.type === 'PositionIncreased');
    t.like(increased?.data, { margin: '5000', fee: '25.5', frozenFeeUsed: '25', feeShortfall: '0.5', refund: '0' });
  },

  async 'the insurance account takes over, trades out reduce-only, and nets an opposite take-over'(t, s) {
    await s.listBtc();
    await s.users('alice', 'bob', 'carol');
    await s.deposit('alice', '100');
    await s.deposit('bob', '1000');
    await s.deposit('carol', '1000');
    await s.exchange.fundInsurance('USDT', '1000', 'ins-1');
    await s.place('alice', 'BUY', '10', '50000');
    await s.place('bob', 'SELL', '10', '50000');
    await s.exchange.liquidate('alice', 'BTC-PERP', '45000', 'liq-a');
    await s.settle();
    t.like(await s.position(INSURANCE_USER_ID), { side: 'LONG', qty: '10', entryNotional: '450' });
    const i1 = await s.exchange.placeInsuranceOrder({ symbol: 'BTC-PERP', side: 'SELL', type: 'LIMIT', price: '45500', qty: '4', clientOrderId: 'i1' });
    await s.settle();
    t.like((await s.order(i1.orderId)).accepted, { intent: 'REDUCE', closeQty: '4', openQty: '0' });
    await s.place('carol', 'BUY', '4', '45500');
    t.like(await s.position(INSURANCE_USER_ID), { side: 'LONG', qty: '6', entryNotional: '270', margin: '0' });
    t.is((await s.insurance()).fund, '1001.9636');
    t.deepEqual(await s.wallet('carol'), { available: '981.709', frozen: '0', margin: '18.2' });
    await s.exchange.liquidate('bob', 'BTC-PERP', '46000', 'liq-b');
    await s.settle();
    t.deepEqual(await s.wallet('bob'), { available: '1039.75', frozen: '0', margin: '0' });
    t.like(await s.position(INSURANCE_USER_ID), { side: 'SHORT', qty: '4', entryNotional: '184' });
    t.is((await s.insurance()).fund, '1007.9636');
    t.is(await s.platform('clearing.pnl'), '-2');
  },

  async 'market remainder and self-trade prevention expire the order and release its locks'(t, s) {
    await s.listBtc();
    await s.users('alice', 'bob');
    await s.deposit('alice', '1000');
    await s.deposit('bob', '1000');
    await s.exchange.setMarkPrice('BTC-PERP', '50000', 'mark-1');
    await s.place('alice', 'SELL', '5', '50000');
    const b1 = await s.place('bob', 'BUY', '8', null);
    // protected price 52500: froze 8 × 52.5 / 10 = 42 + fee 0.21; 5 filled at 50000 as taker
    t.like(await s.order(b1), { status: 'EXPIRED', expireReason: 'MARKET_REMAINDER', filledQty: '5' });
    // 1000 − margin 25 − fee 0.125
    t.deepEqual(await s.wallet('bob'), { available: '974.875', frozen: '0', margin: '25' });
    await s.place('alice', 'SELL', '2', '51000');
    const b2 = await s.place('bob', 'SELL', '1', '51000');
    const b3 = await s.place('bob', 'BUY', '3', '51000', { timeInForce: 'GTC' });
    t.like(await s.order(b2), { status: 'NEW' });
    // b3 meets alice's 2 first (price-time: 51000 alice rested earlier), then bob's own b2 → STP
    t.like(await s.order(b3), { status: 'EXPIRED', expireReason: 'SELF_TRADE', filledQty: '2' });
    // b3 opened 2 @ 51000 from its freeze (15.3 + 0.0765 for 3): margin 10.2, fee 0.051; the rest unfrozen
    t.deepEqual(await s.wallet('bob'), { available: '964.624', frozen: '0', margin: '35.2' });
    t.false(b3 in (await s.account('bob')).openOrders);
  },
};
