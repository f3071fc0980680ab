import test from 'ava';
import { positionRequestDecider } from '../../domain/workflows/positionRequest.js';
import { transferDecider, type TransferRecordedData } from '../../domain/workflows/transfer.js';

const recorded: TransferRecordedData = { transferId: 'tx-1', kind: 'DEPOSIT', userId: 'u1', asset: 'USDT', amount: '100' };
const given = (...events: Array<{ type: string; data: unknown }>) => events.reduce(transferDecider.evolve, transferDecider.initialState());

test('a recorded transfer is answered once: posted, keyed {id}:OUTCOME', (t) => {
  const state = given({ type: 'TransferRecorded', data: recorded });
  t.deepEqual(state.recorded, recorded);
  t.deepEqual(transferDecider.decide({ type: 'Accept', id: 'tx-1' }, state), [{ type: 'TransferPosted', key: 'tx-1:OUTCOME', data: { transferId: 'tx-1' } }]);
});

test('a rejection carries code, reason and message; the reason is left out when there is none', (t) => {
  const state = given({ type: 'TransferRecorded', data: recorded });
  t.deepEqual(transferDecider.decide({ type: 'Reject', id: 'tx-1', code: 'INSUFFICIENT_FUNDS', message: 'no' }, state), [
    { type: 'TransferRejected', key: 'tx-1:OUTCOME', data: { transferId: 'tx-1', code: 'INSUFFICIENT_FUNDS', message: 'no' } },
  ]);
  t.deepEqual(positionRequestDecider.decide({ type: 'Reject', id: 'r-1', code: 'FAILED_PRECONDITION', reason: 'FLAT_POSITION', message: 'flat' }, positionRequestDecider.initialState()), [
    { type: 'PositionRequestRejected', key: 'r-1:OUTCOME', data: { requestId: 'r-1', code: 'FAILED_PRECONDITION', reason: 'FLAT_POSITION', message: 'flat' } },
  ]);
});

test('once an outcome is recorded, any later outcome (the same or the other) writes nothing', (t) => {
  for (const outcome of [{ type: 'TransferPosted', data: { transferId: 'tx-1' } }, { type: 'TransferRejected', data: { transferId: 'tx-1', code: 'X', message: 'x' } }]) {
    const state = given({ type: 'TransferRecorded', data: recorded }, outcome);
    t.not(state.outcome, undefined);
    t.deepEqual(transferDecider.decide({ type: 'Accept', id: 'tx-1' }, state), []);
    t.deepEqual(transferDecider.decide({ type: 'Reject', id: 'tx-1', code: 'X', message: 'x' }, state), []);
  }
  const completed = [{ type: 'PositionRequestCompleted', data: { requestId: 'r-1' } }].reduce(positionRequestDecider.evolve, positionRequestDecider.initialState());
  t.is(completed.outcome, 'ACCEPTED');
  t.deepEqual(positionRequestDecider.decide({ type: 'Accept', id: 'r-1' }, completed), []);
});
