import { requestOutcomeDecider, type RequestOutcomeState } from './requestOutcome.js';

/**
 * A transfer request (stream transfer-{id}): the API records it with NO_STREAM, so an id is
 * used once platform-wide; the workflow posts it on the account (or the insurance fund) and
 * then records the outcome here. The outcome is what makes a redelivery — even one from the
 * start of the log, after the account forgot the id — post a transfer at most once.
 */
export type TransferKind = 'DEPOSIT' | 'WITHDRAWAL' | 'INSURANCE_FUNDING';

export interface TransferRecordedData {
  transferId: string;
  kind: TransferKind;
  /** absent for INSURANCE_FUNDING (the fund has no user) */
  userId?: string;
  asset: string;
  amount: string;
  /** a withdrawal's own request id (its account key); the stream id adds the user */
  requestId?: string;
}

export type TransferState = RequestOutcomeState<TransferRecordedData>;

export const transferDecider = requestOutcomeDecider<TransferRecordedData, 'transferId'>({
  recorded: 'TransferRecorded',
  accepted: 'TransferPosted',
  rejected: 'TransferRejected',
  idField: 'transferId',
});
