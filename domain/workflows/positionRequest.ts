import { assertNever, type DomainEvent, type EventLike } from '../shared/events.js';

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

export interface PositionRequestState {
  request: PositionRequestedData | undefined;
  outcome: 'COMPLETED' | 'REJECTED' | undefined;
}

export type PositionRequestCommand =
  | { type: 'Complete'; requestId: string }
  | { type: 'Reject'; requestId: string; code: string; reason?: string; message: string };

export type PositionRequestEvent =
  | DomainEvent<'PositionRequested', PositionRequestedData>
  | DomainEvent<'PositionRequestCompleted', { requestId: string }>
  | DomainEvent<'PositionRequestRejected', { requestId: string; code: string; reason?: string; message: string }>;

export function initialState(): PositionRequestState {
  return { request: undefined, outcome: undefined };
}

export function evolve(state: PositionRequestState, event: EventLike): PositionRequestState {
  const e = event as PositionRequestEvent;
  switch (e.type) {
    case 'PositionRequested':
      return { ...state, request: e.data };
    case 'PositionRequestCompleted':
      return { ...state, outcome: 'COMPLETED' };
    case 'PositionRequestRejected':
      return { ...state, outcome: 'REJECTED' };
    default:
      return state;
  }
}

export function decide(command: PositionRequestCommand, state: PositionRequestState): PositionRequestEvent[] {
  if (state.outcome !== undefined) return [];
  switch (command.type) {
    case 'Complete':
      return [{ type: 'PositionRequestCompleted', key: `${command.requestId}:OUTCOME`, data: { requestId: command.requestId } }];
    case 'Reject': {
      const data = command.reason === undefined
        ? { requestId: command.requestId, code: command.code, message: command.message }
        : { requestId: command.requestId, code: command.code, reason: command.reason, message: command.message };
      return [{ type: 'PositionRequestRejected', key: `${command.requestId}:OUTCOME`, data }];
    }
    default:
      return assertNever(command, 'position request command');
  }
}

export const positionRequestDecider = { initialState, evolve, decide };
