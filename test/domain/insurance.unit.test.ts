import test, { type ExecutionContext } from 'ava';
import { insuranceDecider, type InsuranceCommand, type InsuranceEvent } from '../../domain/insurance/index.js';
import { insuranceFeeLines, insuranceFundedLines, insurancePnlLines } from '../../domain/ledger/postings.js';
import { auditEvents } from '../../domain/ledger/audit.js';

const { initialState, evolve, decide } = insuranceDecider;
const A = 'USDT';
const fold = (given: InsuranceEvent[]) => given.reduce((s, e) => evolve(s, e), initialState());
const spec = test.macro((t: ExecutionContext, given: InsuranceEvent[], when: InsuranceCommand, then: InsuranceEvent[]) => {
  const produced = decide(when, fold(given));
  t.deepEqual(produced, then);
  t.deepEqual(auditEvents([...given, ...produced]).violations, []);
});
const rejects = test.macro((t: ExecutionContext, given: InsuranceEvent[], when: InsuranceCommand, expected: { code: string; reason?: string }) => {
  t.like(t.throws(() => decide(when, fold(given))), expected);
});

const fund = (amount: string, txId = 'tx1'): InsuranceCommand => ({ type: 'FundInsurance', asset: A, amount, txId });
const funded = (amount: string, txId = 'tx1'): InsuranceEvent => ({ type: 'InsuranceFunded', key: txId, data: { asset: A, amount, txId, lines: insuranceFundedLines(A, amount) } });
const payFee = (fee: string, tradeId = 't1'): InsuranceCommand => ({ type: 'PayInsuranceFee', asset: A, tradeId, fee });
const feePaid = (fee: string, tradeId = 't1'): InsuranceEvent => ({ type: 'InsuranceFeePaid', key: tradeId, data: { asset: A, tradeId, fee, lines: insuranceFeeLines(A, fee) } });
const pnl = (amount: string, key = 't1:CLOSE'): InsuranceCommand => ({ type: 'RealizeInsurancePnl', asset: A, key, amount });
const realized = (amount: string, key = 't1:CLOSE'): InsuranceEvent => ({ type: 'InsurancePnlRealized', key, data: { asset: A, key, amount, lines: insurancePnlLines(A, amount) } });

test('fund → InsuranceFunded with platform lines only', spec, [], fund('1000.50'), [funded('1000.5')]);
test('fund repeated txId → no events', spec, [funded('1000')], fund('1000'), []);
test('fund ✗ zero', rejects, [], fund('0'), { code: 'BAD_USER_INPUT', reason: 'INVALID_AMOUNT' });
test('fund ✗ repeated txId with another amount', rejects, [funded('1000')], fund('999'), { code: 'IDEMPOTENCY_KEY_REUSED' });
test('fee paid from the fund', spec, [funded('1000')], payFee('0.06'), [feePaid('0.06')]);
test('fee repeated tradeId → no events', spec, [funded('1000'), feePaid('0.06')], payFee('0.06'), []);
test('zero fee writes nothing', spec, [funded('1000')], payFee('0'), []);
test('fee ✗ negative', rejects, [], payFee('-1'), { code: 'BAD_USER_INPUT', reason: 'INVALID_AMOUNT' });
test('fee ✗ repeated tradeId with another fee', rejects, [feePaid('0.06')], payFee('0.07'), { code: 'IDEMPOTENCY_KEY_REUSED' });
test('pnl gain', spec, [funded('1000')], pnl('12.5'), [realized('12.5')]);
test('pnl loss may take the fund below zero (a fact, not a request)', spec, [funded('10')], pnl('-12.5'), [realized('-12.5')]);
test('pnl repeated key → no events', spec, [realized('-3')], pnl('-3'), []);
test('pnl ✗ non-canonical', rejects, [], pnl('1.50'), { code: 'BAD_USER_INPUT', reason: 'INVALID_AMOUNT' });
test('pnl ✗ repeated key with another amount', rejects, [realized('-3')], pnl('3'), { code: 'IDEMPOTENCY_KEY_REUSED' });
test('fund balance follows every event', (t) => {
  t.is(fold([funded('1000'), feePaid('0.06'), realized('-12.5', 'k1'), realized('2', 'k2')]).fund, '989.44');
});
