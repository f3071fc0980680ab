import { requestOutcomeDecider, type RequestOutcomeState } from './requestOutcome.js';

/**
 * An admin or user request on a position (leverage, forced liquidation), recorded by the API on
 * its own stream `positionRequest-{userId}_{symbol}_{requestId}` with NO_STREAM. The workflow
 * runner decides it on the position — so the position stream has a single writer and the runner
 * can pipeline its appends — and records the outcome here for the API to answer with.
 */
export type PositionRequestKind = 'SET_LEVERAGE' | 'LIQUIDATE';

export interface PositionRequestedData {
  kind: PositionRequestKind;
  userId: string;
  symbol: string;
  requestId: string;
  leverage?: number;
  price?: string;
}

export type PositionRequestState = RequestOutcomeState<PositionRequestedData>;

export const positionRequestDecider = requestOutcomeDecider<PositionRequestedData, 'requestId'>({
  recorded: 'PositionRequested',
  accepted: 'PositionRequestCompleted',
  rejected: 'PositionRequestRejected',
  idField: 'requestId',
});
