/**
 * What a decider emits. Structurally identical to eventstore/envelope.ts DomainEvent (domain/
 * must not import eventstore/): a typed payload plus the idempotency key it answers.
 */
export interface DomainEvent<T extends string = string, D = Record<string, unknown>> {
  type: T;
  key: string;
  data: D;
}

/** What evolve folds: the recorded type and payload (the key is not needed to evolve). */
export interface EventLike<T extends string = string, D = unknown> {
  type: T;
  data: D;
}

export type Book = 'USER' | 'PLATFORM';
export type Direction = 'DEBIT' | 'CREDIT';

/**
 * One line of a double-entry journal entry. Amount is a positive canonical decimal string;
 * the user book belongs to the event's userId, the platform book to the exchange.
 */
export interface JournalLine {
  book: Book;
  account: string;
  asset: string;
  direction: Direction;
  amount: string;
}

/** Generic decider shape shared by every aggregate. */
export interface Decider<C, S, E extends DomainEvent<string, unknown> = DomainEvent> {
  initialState(): S;
  evolve(state: S, event: EventLike): S;
  decide(command: C, state: S): E[];
}

export function assertNever(value: never, what = 'value'): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(value)}`);
}
