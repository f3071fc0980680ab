import { GraphQLError } from 'graphql';
import { maskError as yogaMaskError } from 'graphql-yoga';
import { DomainError, apiError } from '../domain/shared/errors.js';

/**
 * Every deliberate error leaves the API as a GraphQLError with `extensions.code` (and
 * `extensions.reason` where useful); everything else is masked by yoga (DESIGN §10).
 */
export type ApiErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'BAD_USER_INPUT'
  | 'NOT_FOUND'
  | 'INSUFFICIENT_FUNDS'
  | 'FAILED_PRECONDITION'
  | 'CONFLICT';

export const MASKED_MESSAGE = 'Unexpected error.';

export function apiFailure(code: ApiErrorCode, message: string, reason?: string): GraphQLError {
  return new GraphQLError(message, { extensions: reason === undefined ? { code } : { code, reason } });
}

export const unauthenticated = () => apiFailure('UNAUTHENTICATED', 'a valid API key is required');
export const forbidden = (what = 'this operation') => apiFailure('FORBIDDEN', `not allowed to access ${what}`);
export const notFound = (what: string) => apiFailure('NOT_FOUND', `${what} not found`);
export const badInput = (reason: string, message: string) => apiFailure('BAD_USER_INPUT', message, reason);

/** Domain errors map 1:1 onto API codes; anything unknown is rethrown to be masked. */
export function toGraphQLError(error: unknown): never {
  if (error instanceof GraphQLError) throw error;
  if (error instanceof DomainError) {
    const { code, reason } = apiError(error);
    throw new GraphQLError(error.message, { extensions: reason === undefined ? { code } : { code, reason } });
  }
  throw error;
}

/** Runs a resolver body, turning domain errors into API errors. */
export async function mapErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    return toGraphQLError(error);
  }
}

/**
 * yoga's maskError with one addition: a DomainError a resolver let through becomes its API
 * error (code and reason) instead of being masked. GraphQLErrors made on purpose pass; anything
 * else is masked (INTERNAL_SERVER_ERROR, no message, no stack) — never in "dev" mode.
 */
export function maskApiError(error: unknown, message: string): Error {
  const original = error instanceof GraphQLError ? error.originalError : error;
  if (original instanceof DomainError) {
    const { code, reason } = apiError(original);
    const located = error instanceof GraphQLError ? error : undefined;
    return new GraphQLError(original.message, {
      nodes: located?.nodes,
      path: located?.path,
      extensions: reason === undefined ? { code } : { code, reason },
    });
  }
  return yogaMaskError(error, message, false);
}
