import test from 'ava';
import { createInMemoryStore } from '../../eventstore/embedded/index.js';
import type { EventStore, ReadAllOptions, RecordedEvent } from '../../eventstore/port.js';
import { runReplay } from '../../scripts/replay/cli.js';
import { foldLog } from '../../scripts/replay/fold.js';
import { LogBuilder } from '../support/logBuilder.js';

/** a small clean history: two users trade, one order is cancelled */
async function cleanLog(): Promise<{ store: ReturnType<typeof createInMemoryStore>; events: RecordedEvent[] }> {
  const b = new LogBuilder().listInstrument().registerUser('alice').registerUser('bob').deposit('alice', '1000').deposit('bob', '1000').setMark('50000');
  const maker = b.place({ userId: 'alice', side: 'SELL', qty: '4', price: '50000' });
  const taker = b.place({ userId: 'bob', side: 'BUY', qty: '3', price: '50000' }, { rest: false });
  b.take(taker.orderId, [{ orderId: maker.orderId, qty: '3' }]);
  b.cancel(maker.orderId);
  const store = createInMemoryStore();
  await b.writeTo(store);
  const events: RecordedEvent[] = [];
  for await (const e of store.readAll()) events.push(e);
  return { store, events };
}

async function cli(store: EventStore): Promise<{ code: number; report: { ok: boolean; violations: Array<{ rule: string; eventIds: string[] }> } }> {
  const out: string[] = [];
  const code = await runReplay(['--json'], { env: {}, stdout: (s) => out.push(s), stderr: () => undefined, isTty: false, eventStore: store });
  return { code, report: JSON.parse(out.join('')) };
}

test('the clean log passes (the baseline of the tamper cases)', async (t) => {
  const { store } = await cleanLog();
  const { code, report } = await cli(store);
  t.is(code, 0);
  t.deepEqual(report.violations, []);
});

test('an unbalanced entry is reported with its event id and a non-zero exit', async (t) => {
  const { store, events } = await cleanLog();
  const revision = events.filter((e) => e.stream === 'account-alice').length - 1;
  const id = '00000000-0000-4000-8000-000000000001';
  await store.append('account-alice', [{
    id, type: 'FundsDeposited',
    data: { userId: 'alice', asset: 'USDT', amount: '5', txId: 'tx-forged', lines: [
      { book: 'USER', account: 'wallet.available', asset: 'USDT', direction: 'DEBIT', amount: '5' },
      { book: 'USER', account: 'equity.capital', asset: 'USDT', direction: 'CREDIT', amount: '5' },
      { book: 'PLATFORM', account: 'custody.wallet', asset: 'USDT', direction: 'DEBIT', amount: '5' },
    ] },
    metadata: { idempotencyKey: 'tx-forged', occurredAt: '2024-02-01T00:00:00.000Z', $causationId: 'forged' },
  }], revision);
  const { code, report } = await cli(store);
  t.is(code, 1);
  t.false(report.ok);
  t.deepEqual(report.violations.find((v) => v.rule === 'ENTRY_UNBALANCED')?.eventIds, [id]);
  t.deepEqual(report.violations.find((v) => v.rule === 'PROJECTION_STOPPED')?.eventIds, [id]);
});

test('a duplicated settlement is reported with both posting ids and a non-zero exit', async (t) => {
  const { store, events } = await cleanLog();
  const original = events.find((e) => e.type === 'TradeMarginSettled' && e.stream === 'account-bob')!;
  const revision = events.filter((e) => e.stream === 'account-bob').length - 1;
  const copyId = '00000000-0000-4000-8000-000000000002';
  await store.append('account-bob', [{ id: copyId, type: original.type, data: original.data, metadata: { ...original.metadata, occurredAt: '2024-02-01T00:00:00.000Z', $causationId: 'again' } }], revision);
  const { code, report } = await cli(store);
  t.is(code, 1);
  t.deepEqual(report.violations.find((v) => v.rule === 'LEG_POSTED_TWICE')?.eventIds, [original.id, copyId]);
  t.deepEqual(report.violations.find((v) => v.rule === 'KEY_APPLIED_TWICE')?.eventIds, [copyId]);
});

test('a missing event is reported: the stream gap names the event after it, the missing consequence names its cause', async (t) => {
  const { store, events } = await cleanLog();
  // alice's position stream loses the leg it settled; the store hands out the rest
  const lost = events.find((e) => e.type === 'PositionIncreased' && e.stream === 'position-alice_BTC-PERP')!;
  const next = events.find((e) => e.stream === lost.stream && e.revision === lost.revision + 1)!;
  const trade = events.find((e) => e.type === 'TradeExecuted')!;
  const lossy: EventStore = Object.assign(Object.create(store) as EventStore, {
    readAll: (options?: ReadAllOptions) => (async function* () {
      for await (const e of store.readAll(options)) if (e.id !== lost.id) yield e;
    })(),
  });
  const result = await foldLog(lossy);
  t.deepEqual(result.violations.find((v) => v.rule === 'STREAM_GAP')?.eventIds, [next.id]);
  t.false(result.quiescentAtEnd);
  t.true(result.violations.some((v) => v.rule === 'NOT_QUIESCENT' && v.eventIds[0] === trade.id && v.detail.includes(`leg ${trade.data.tradeId}`)));
  const { code } = await cli(lossy);
  t.is(code, 1);
});
