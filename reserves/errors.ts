/**
 * Bad input to the audit builder. Same shape as the domain's DomainError (code + reason) so the
 * caller can map it the same way, but kept local: reserves/ depends on nothing of the project.
 */
export type ReserveInputReason =
  | 'BAD_AUDIT_ID'
  | 'BAD_AUDIT_SECRET'
  | 'BAD_ASSETS'
  | 'BAD_LOG_POSITION'
  | 'BAD_STATE_HASH'
  | 'BAD_USER_ID'
  | 'UNKNOWN_ASSET'
  | 'BAD_AMOUNT'
  | 'BALANCE_OUT_OF_RANGE'
  | 'TOO_MANY_USERS';

export class ReserveInputError extends Error {
  override name = 'ReserveInputError';
  readonly code = 'BAD_USER_INPUT';
  constructor(
    readonly reason: ReserveInputReason,
    message: string,
  ) {
    super(message);
  }
}
