import test from 'ava';
import { LedgerAuditor, auditEvents, checkEntry, checkQuiescent, type AuditedEvent, type PositionSnapshot } from '../../domain/ledger/audit.js';
import { closeSettlementLines, depositLines, freezeLines, insuranceFundedLines, openSettlementLines } from '../../domain/ledger/postings.js';
import type { JournalLine } from '../../domain/shared/events.js';
import { ZERO, canonical, dec, max } from '../../domain/money/decimal.js';
import { accountDecider, type AccountCommand, type AccountState } from '../../domain/account/index.js';

const A = 'USDT';
const S = 'BTC-PERP';
const ev = (id: string, userId: string | undefined, lines: JournalLine[]): AuditedEvent => ({ id, type: 'X', data: userId ? { userId, lines } : { lines } });

/**
 * One trade at 100 (cs 1, qty 1, 10x): u1 opens long, u2 opens short; then u1 closes at 110
 * against u3, who opens long. Fees 0.06 taker / 0.02 maker.
 */
function tradeLog(): AuditedEvent[] {
  return [
    ev('d1', 'u1', depositLines(A, '100')),
    ev('d2', 'u2', depositLines(A, '100')),
    ev('d3', 'u3', depositLines(A, '100')),
    ev('f1', 'u1', freezeLines(A, '10', '0.06')),
    ev('f2', 'u2', freezeLines(A, '10', '0.06')),
    ev('o1', 'u1', openSettlementLines({ asset: A, symbol: S, margin: '10', fee: '0.06', feeShortfall: '0', refund: '0' })),
    ev('o2', 'u2', openSettlementLines({ asset: A, symbol: S, margin: '10', fee: '0.02', feeShortfall: '0', refund: '0.04' })),
    ev('f3', 'u3', freezeLines(A, '11', '0.066')),
    ev('c1', 'u1', closeSettlementLines({ asset: A, symbol: S, marginReleased: '10', realizedPnl: '10', fee: '0.022' })),
    ev('o3', 'u3', openSettlementLines({ asset: A, symbol: S, margin: '11', fee: '0.066', feeShortfall: '0', refund: '0' })),
    ev('i1', undefined, insuranceFundedLines(A, '500')),
  ];
}
const positions: PositionSnapshot[] = [
  { owner: 'u2', symbol: S, asset: A, side: 'SHORT', qty: '1', entryNotional: '100' },
  { owner: 'u3', symbol: S, asset: A, side: 'LONG', qty: '1', entryNotional: '110' },
  { owner: 'u1', symbol: S, asset: A, side: 'LONG', qty: '0', entryNotional: '0' },
];

test('a consistent log passes every rule, per event and at quiescence', (t) => {
  const { violations, balances } = auditEvents(tradeLog(), { positions });
  t.deepEqual(violations, []);
  t.is(balances.platform('clearing.pnl', A).toFixed(), '10');
  t.is(balances.platform('liability.userFunds', A).toFixed(), '309.832');
  t.is(balances.platform('custody.wallet', A).toFixed(), '800');
  t.is(balances.platform('revenue.fees', A).toFixed(), '0.168');
});

test('unbalanced entry is reported with its event id, never thrown', (t) => {
  const lines = depositLines(A, '100');
  lines[0] = { ...lines[0]!, amount: '99' };
  const { violations } = auditEvents([ev('bad', 'u1', lines)]);
  t.true(violations.some((v) => v.rule === 'ENTRY_UNBALANCED' && v.eventId === 'bad' && v.detail.startsWith('USER USDT')));
  t.true(violations.some((v) => v.rule === 'IDENTITY' && v.eventId === 'bad'));
  t.true(violations.some((v) => v.rule === 'USER_FUNDS' && v.eventId === 'bad'));
});

test('platform-only tampering breaks the user-funds sum', (t) => {
  const lines = depositLines(A, '100').map((l) => (l.book === 'PLATFORM' ? { ...l, amount: '90' } : l));
  const { violations } = auditEvents([ev('d', 'u1', lines)]);
  t.deepEqual(violations.map((v) => v.rule), ['USER_FUNDS']);
  t.regex(violations[0]!.detail, /liability.userFunds = 90 ≠ Σ user wallet \+ margins = 100/);
});

test('malformed lines, unknown accounts and orphan user lines', (t) => {
  t.deepEqual(checkEntry([{ book: 'USER', account: 'wallet.available', asset: A, direction: 'DEBIT', amount: '1.0' }], 'e', 'u').map((v) => v.rule), ['LINE_MALFORMED', ]);
  t.deepEqual(checkEntry([{ book: 'USER', account: 'wallet.available', asset: A, direction: 'DEBIT', amount: '-1' }], 'e', 'u').map((v) => v.rule), ['LINE_MALFORMED']);
  t.deepEqual(
    checkEntry([
      { book: 'PLATFORM', account: 'wallet.available', asset: A, direction: 'DEBIT', amount: '1' },
      { book: 'PLATFORM', account: 'custody.wallet', asset: A, direction: 'CREDIT', amount: '1' },
    ], 'e').map((v) => v.rule),
    ['UNKNOWN_ACCOUNT'],
  );
  t.deepEqual(checkEntry(freezeLines(A, '1', '0'), 'e').map((v) => v.rule), ['USER_LINES_WITHOUT_USER']);
  const auditor = new LedgerAuditor();
  t.notThrows(() => auditor.apply(ev('m', 'u1', [{ book: 'USER', account: 'wallet.available', asset: A, direction: 'DEBIT', amount: 'abc' }])));
  t.notThrows(() => auditor.apply(ev('n', undefined, freezeLines(A, '1', '0'))));
  t.deepEqual(auditor.apply({ id: 'x', type: 'OrderPlaced', data: { orderId: 'o' } }), []);
});

test('quiescent rules: open interest and clearing.pnl', (t) => {
  const { balances } = auditEvents(tradeLog());
  t.deepEqual(checkQuiescent(balances, positions), []);
  const lopsided = checkQuiescent(balances, positions.filter((p) => p.owner !== 'u2'));
  t.deepEqual(lopsided.map((v) => v.rule), ['OPEN_INTEREST', 'CLEARING_PNL']);
  t.regex(lopsided[0]!.detail, /BTC-PERP: long 1 ≠ short 0/);
  t.regex(lopsided[1]!.detail, /clearing.pnl = 10 ≠ Σ signed entryNotional = 110/);
});

test('the incremental per-event audit agrees with a full check', (t) => {
  const auditor = new LedgerAuditor();
  for (const e of tradeLog()) t.deepEqual(auditor.apply(e), []);
  t.deepEqual(auditor.checkAll(), []);
  t.is(auditor.eventsAudited, 11);
});

test('liability.userFunds = Σ user wallets + margins after any sequence of account commands', (t) => {
  // a deterministic pseudo-random walk over the Account decider (no Math.random in tests' logic)
  let seed = 7;
  const next = (n: number) => {
    // mulberry32: small, deterministic, well mixed in the low bits
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) % n;
  };
  const states = new Map<string, AccountState>();
  const auditor = new LedgerAuditor();
  let seq = 0;
  for (let i = 0; i < 400; i++) {
    const userId = `u${next(3)}`;
    const state = states.get(userId) ?? accountDecider.initialState();
    const orderId = `${userId}-o${next(4)}`;
    const margin = `${next(30)}.${next(100)}`.replace(/\.0$/, '').replace(/(\.\d)0$/, '$1');
    const choice = next(5);
    const cmd: AccountCommand =
      choice === 0 ? { type: 'Deposit', userId, asset: A, amount: `${1 + next(50)}`, txId: `tx${i}` }
      : choice === 1 ? { type: 'Withdraw', userId, asset: A, amount: `${1 + next(20)}`, requestId: `w${i}` }
      : choice === 2 ? { type: 'FreezeFunds', userId, orderId, symbol: S, asset: A, openQty: '1', margin, fee: '0.01' }
      : choice === 3 && state.openOrders[orderId]
        ? {
            type: 'SettleTradeLeg', userId, asset: A, effects: [{
              type: 'PositionIncreased', key: `t${i}:OPEN`,
              data: {
                symbol: S, orderId, tradeId: `t${i}`, seq: ++seq, qty: '1', price: '1', margin: state.openOrders[orderId]!.margin,
                frozenMarginUsed: state.openOrders[orderId]!.margin, frozenFeeUsed: state.openOrders[orderId]!.fee, fee: '0.02', refund: '0',
                feeShortfall: canonicalShortfall(state.openOrders[orderId]!.fee),
              },
            }],
          }
        : state.openOrders[orderId]
          ? { type: 'UnfreezeFunds', userId, orderId, asset: A, margin: state.openOrders[orderId]!.margin, fee: state.openOrders[orderId]!.fee }
          : { type: 'Deposit', userId, asset: A, amount: '1', txId: `tx${i}` };
    let events;
    try {
      events = accountDecider.decide(cmd, state);
    } catch (error) {
      if (cmd.type === 'SettleTradeLeg') throw error; // settlement built from the state must always post
      continue; // rejected commands change nothing
    }
    let s = state;
    for (const e of events) {
      s = accountDecider.evolve(s, e);
      t.deepEqual(auditor.apply(e), []);
    }
    states.set(userId, s);
  }
  t.deepEqual(auditor.checkAll(), []);
  for (const [userId, s] of states) {
    t.is(auditor.balances.get('USER', userId, 'wallet.available', A).toFixed(), s.balances[A]?.available ?? '0');
    t.is(auditor.balances.get('USER', userId, 'wallet.frozen', A).toFixed(), s.balances[A]?.frozen ?? '0');
  }
  // the walk is not trivial: it reached settlements and unfreezes, not only deposits
  t.true(auditor.eventsAudited > 100);
  t.true(auditor.balances.get('USER', 'u0', 'expense.fees', A).greaterThan(0));
});

function canonicalShortfall(frozenFee: string): string {
  return canonical(max(ZERO, dec('0.02').minus(frozenFee)));
}
