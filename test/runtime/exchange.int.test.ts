import test from 'ava';
import { DomainError } from '../../domain/shared/errors.js';
import { streams } from '../../eventstore/streams.js';
import { BTC_PERP, Scenario } from '../support/scenario.js';

/** code and message of a DomainError, with `orderId` written as <id> so two orders compare */
async function notFoundOf(attempt: Promise<unknown>, orderId: string): Promise<{ code: string; message: string }> {
  const error = await attempt.then(() => undefined, (e: unknown) => e);
  if (!(error instanceof DomainError)) throw new Error(`expected a DomainError, got ${String(error)}`);
  return { code: error.code, message: error.message.replaceAll(orderId, '<id>') };
}

test('createInstrument: the same listing again is a repeat; other parameters for a listed symbol are CONFLICT, nothing appended', async (t) => {
  const s = await Scenario.start({ runtime: { roles: ['api'] } });
  try {
    const first = await s.exchange.createInstrument(BTC_PERP);
    t.truthy(first.position);
    const again = await s.exchange.createInstrument({ ...BTC_PERP });
    t.is(again.position, first.position);
    t.deepEqual(again.instrument, first.instrument);
    const conflict = await t.throwsAsync(s.exchange.createInstrument({ ...BTC_PERP, tickSize: '1' }));
    t.true(conflict instanceof DomainError && conflict.code === 'CONFLICT', String(conflict));
    await t.throwsAsync(s.exchange.createInstrument({ ...BTC_PERP, maxLeverage: 50 }), { instanceOf: DomainError, message: /already listed/ });
    t.is((await s.store.readStream(streams.instrument('BTC-PERP'))).length, 1);
  } finally {
    await s.stop();
  }
});

test('createInstrument: two different listings of a new symbol at once → exactly one is listed, the other CONFLICT', async (t) => {
  const s = await Scenario.start({ runtime: { roles: ['api'] } });
  try {
    const eth = { ...BTC_PERP, symbol: 'ETH-PERP' };
    const outcomes = await Promise.allSettled([s.exchange.createInstrument(eth), s.exchange.createInstrument({ ...eth, takerFeeRate: '0.0007' })]);
    const listed = outcomes.filter((o) => o.status === 'fulfilled');
    const failed = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : []));
    t.is(listed.length, 1);
    t.true(failed.length === 1 && failed[0] instanceof DomainError && failed[0].code === 'CONFLICT', String(failed[0]));
    const [event] = await s.store.readStream(streams.instrument('ETH-PERP'));
    t.is(event!.data['takerFeeRate'], outcomes[0].status === 'fulfilled' ? '0.0005' : '0.0007');
  } finally {
    await s.stop();
  }
});

test('cancelOrder: another user\'s order and a missing one answer the very same NOT_FOUND', async (t) => {
  const s = await Scenario.start({ runtime: { roles: ['api'] } });
  try {
    await s.listBtc();
    await s.users('alice', 'bob');
    const { orderId } = await s.exchange.placeOrder('alice', { symbol: 'BTC-PERP', side: 'BUY', type: 'LIMIT', price: '50000', qty: '1', clientOrderId: 'a1' });
    const missing = '0000aaaa-0000-4000-8000-000000000000';
    const othersOrder = await notFoundOf(s.exchange.cancelOrder('bob', orderId), orderId);
    const missingOrder = await notFoundOf(s.exchange.cancelOrder('bob', missing), missing);
    t.deepEqual(othersOrder, { code: 'NOT_FOUND', message: 'order <id> not found' });
    t.deepEqual(missingOrder, othersOrder);
    t.deepEqual(await notFoundOf(s.exchange.cancelOrder('bob', 'not-an-id'), 'not-an-id'), othersOrder);
    // bob's attempt wrote nothing; alice can still cancel her own order
    t.is((await s.store.readStream(streams.order(orderId))).length, 1);
    t.truthy((await s.exchange.cancelOrder('alice', orderId)).position);
  } finally {
    await s.stop();
  }
});
