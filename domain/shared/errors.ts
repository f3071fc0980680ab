/**
 * Typed domain errors. A decider throws DomainError for a bad command (expected, no state change)
 * and DomainInvariantError when its own state and a command contradict each other — that is a
 * bug upstream and the component must stop, never repair it silently (TigerBeetle style).
 */

/** Stable error codes; the API maps them 1:1 onto GraphQL `extensions.code` (DESIGN §9). */
export type DomainErrorCode =
  | 'BAD_USER_INPUT'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'FAILED_PRECONDITION'
  | 'INSUFFICIENT_FUNDS'
  | 'IDEMPOTENCY_KEY_REUSED';

export class DomainError extends Error {
  override name = 'DomainError';
  constructor(
    readonly code: DomainErrorCode | (string & {}),
    message: string,
    readonly reason?: string,
  ) {
    super(message);
  }
}

/** An invariant broke: the caller must stop and report (not a user error). */
export class DomainInvariantError extends Error {
  override name = 'DomainInvariantError';
}

export function badInput(reason: string, message: string): DomainError {
  return new DomainError('BAD_USER_INPUT', message, reason);
}

export function failedPrecondition(message: string, reason?: string): DomainError {
  return new DomainError('FAILED_PRECONDITION', message, reason);
}

/**
 * A repeated idempotency key with a different payload. The shared contract uses the code
 * IDEMPOTENCY_KEY_REUSED; DESIGN §5 exposes it at the API as BAD_USER_INPUT with this reason,
 * which apiError() below maps.
 */
export function idempotencyKeyReused(key: string): DomainError {
  return new DomainError('IDEMPOTENCY_KEY_REUSED', `idempotency key ${key} reused with a different payload`, 'IDEMPOTENCY_KEY_REUSED');
}

/** GraphQL extensions of a domain error (DESIGN §9): code plus optional reason. */
export function apiError(error: DomainError): { code: string; reason?: string } {
  if (error.code === 'IDEMPOTENCY_KEY_REUSED') return { code: 'BAD_USER_INPUT', reason: 'IDEMPOTENCY_KEY_REUSED' };
  return error.reason === undefined ? { code: error.code } : { code: error.code, reason: error.reason };
}

export function isDomainError(value: unknown, code?: string): value is DomainError {
  return value instanceof DomainError && (code === undefined || value.code === code);
}
