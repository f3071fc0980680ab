import { assertNever, type DomainEvent, type EventLike } from '../shared/events.js';

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

export interface TransferState {
  recorded: TransferRecordedData | undefined;
  outcome: 'POSTED' | 'REJECTED' | undefined;
}

export type TransferCommand =
  | { type: 'MarkPosted'; transferId: string }
  | { type: 'MarkRejected'; transferId: string; code: string; reason?: string; message: string };

export type TransferEvent =
  | DomainEvent<'TransferRecorded', TransferRecordedData>
  | DomainEvent<'TransferPosted', { transferId: string }>
  | DomainEvent<'TransferRejected', { transferId: string; code: string; reason?: string; message: string }>;

export function initialState(): TransferState {
  return { recorded: undefined, outcome: undefined };
}

export function evolve(state: TransferState, event: EventLike): TransferState {
  const e = event as TransferEvent;
  switch (e.type) {
    case 'TransferRecorded':
      return { ...state, recorded: e.data };
    case 'TransferPosted':
      return { ...state, outcome: 'POSTED' };
    case 'TransferRejected':
      return { ...state, outcome: 'REJECTED' };
    default:
      return state;
  }
}

export function decide(command: TransferCommand, state: TransferState): TransferEvent[] {
  if (state.outcome !== undefined) return [];
  switch (command.type) {
    case 'MarkPosted':
      return [{ type: 'TransferPosted', key: `${command.transferId}:OUTCOME`, data: { transferId: command.transferId } }];
    case 'MarkRejected': {
      const data = command.reason === undefined
        ? { transferId: command.transferId, code: command.code, message: command.message }
        : { transferId: command.transferId, code: command.code, reason: command.reason, message: command.message };
      return [{ type: 'TransferRejected', key: `${command.transferId}:OUTCOME`, data }];
    }
    default:
      return assertNever(command, 'transfer command');
  }
}

export const transferDecider = { initialState, evolve, decide };
