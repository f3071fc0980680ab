import { assertNever, type DomainEvent, type EventLike } from '../shared/events.js';

/**
 * A request recorded once on its own stream (by the API, with NO_STREAM) that the workflow
 * runner answers with exactly one outcome on the same stream: accepted or rejected. Transfers
 * and position requests both work so; each keeps its own event names and id field.
 */
export interface RequestOutcomeNames<Id extends string> {
  recorded: string;
  accepted: string;
  rejected: string;
  /** the payload field naming the request, e.g. transferId */
  idField: Id;
}

export interface RequestOutcomeState<R> {
  recorded: R | undefined;
  outcome: 'ACCEPTED' | 'REJECTED' | undefined;
}

export type RequestOutcomeCommand =
  | { type: 'Accept'; id: string }
  | { type: 'Reject'; id: string; code: string; reason?: string; message: string };

export type RejectedOutcomeData = { code: string; reason?: string; message: string };

export function requestOutcomeDecider<R, Id extends string>(names: RequestOutcomeNames<Id>) {
  const initialState = (): RequestOutcomeState<R> => ({ recorded: undefined, outcome: undefined });

  const evolve = (state: RequestOutcomeState<R>, event: EventLike): RequestOutcomeState<R> => {
    if (event.type === names.recorded) return { ...state, recorded: event.data as R };
    if (event.type === names.accepted) return { ...state, outcome: 'ACCEPTED' };
    if (event.type === names.rejected) return { ...state, outcome: 'REJECTED' };
    return state;
  };

  /** the first outcome wins; any later one is a repeat and writes nothing */
  const decide = (command: RequestOutcomeCommand, state: RequestOutcomeState<R>): DomainEvent[] => {
    if (state.outcome !== undefined) return [];
    const key = `${command.id}:OUTCOME`;
    switch (command.type) {
      case 'Accept':
        return [{ type: names.accepted, key, data: { [names.idField]: command.id } }];
      case 'Reject': {
        const rejected: RejectedOutcomeData = command.reason === undefined
          ? { code: command.code, message: command.message }
          : { code: command.code, reason: command.reason, message: command.message };
        return [{ type: names.rejected, key, data: { [names.idField]: command.id, ...rejected } }];
      }
      default:
        return assertNever(command, 'request outcome command');
    }
  };

  return { initialState, evolve, decide };
}
