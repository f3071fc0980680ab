import { forbidden, unauthenticated } from './errors.js';
import type { ApiContext } from './context.js';

/**
 * DESIGN §10's access table, one function per row kind. Resolvers call exactly one of these
 * first, so an operation's access rule is visible where it is resolved.
 */
export function requireAdmin(context: ApiContext): void {
  if (context.caller.kind === 'anonymous') throw unauthenticated();
  if (context.caller.kind !== 'admin') throw forbidden('an operator operation');
}

/** a user acting on their own account; the admin has none */
export function requireUser(context: ApiContext): string {
  if (context.caller.kind === 'anonymous') throw unauthenticated();
  if (context.caller.kind !== 'user') throw forbidden('an account operation (the operator has no account)');
  return context.caller.userId;
}

/** the admin, or a user for their own userId; another user's id is FORBIDDEN */
export function requireAdminOrSelf(context: ApiContext, userId: string): void {
  if (context.caller.kind === 'anonymous') throw unauthenticated();
  if (context.caller.kind === 'user' && context.caller.userId !== userId) throw forbidden('another account');
}

/** any authenticated caller */
export function requireCaller(context: ApiContext): void {
  if (context.caller.kind === 'anonymous') throw unauthenticated();
}
