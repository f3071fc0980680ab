import { requireAdmin, requireAdminOrSelf, requireUser } from '../access.js';
import type { ApiContext } from '../context.js';
import { badInput, notFound } from '../errors.js';
import type { AccountParent } from './account.js';
import { PAGE_SIZE_MAX, pageSize } from './paging.js';

export async function requireSymbol(context: ApiContext, symbol: string): Promise<void> {
  if (!(await context.deps.reads.instrument(symbol))) throw notFound(`instrument ${symbol}`);
}

export const queryResolvers = {
  Query: {
    me: (_: unknown, __: unknown, context: ApiContext): AccountParent => ({ userId: requireUser(context) }),
    async account(_: unknown, { userId }: { userId: string }, context: ApiContext): Promise<AccountParent> {
      requireAdminOrSelf(context, userId);
      if (context.caller.kind === 'admin' && !(await context.deps.reads.userExists(userId))) throw notFound(`user ${userId}`);
      return { userId };
    },
    instruments: (_: unknown, __: unknown, { deps }: ApiContext) => deps.reads.instruments(),
    async orderBook(_: unknown, { symbol, depth }: { symbol: string; depth?: number | null }, context: ApiContext) {
      const levels = depth ?? 20;
      if (!Number.isInteger(levels) || levels < 1 || levels > PAGE_SIZE_MAX) throw badInput('PAGE_SIZE', `depth must be 1..${PAGE_SIZE_MAX}, got ${levels}`);
      await requireSymbol(context, symbol);
      return context.deps.reads.orderBook(symbol, levels);
    },
    /**
     * Only the caller's own orders (the contract); anyone else's looks exactly like a missing one.
     * The admin owns no orders and, like on `myOrders`, is FORBIDDEN rather than answered null for
     * every id: an operator reads a user's orders through `account(userId) { orders }`.
     */
    async order(_: unknown, { id }: { id: string }, context: ApiContext) {
      const userId = requireUser(context);
      const order = await context.deps.reads.order(id);
      return order && order.userId === userId ? order : null;
    },
    async trades(_: unknown, { symbol, first }: { symbol: string; first?: number | null }, context: ApiContext) {
      const n = pageSize(first);
      await requireSymbol(context, symbol);
      return context.deps.reads.trades(symbol, n);
    },
    platformLedger(_: unknown, __: unknown, context: ApiContext) {
      requireAdmin(context);
      return {};
    },
    insurancePositions(_: unknown, __: unknown, context: ApiContext) {
      requireAdmin(context);
      return context.deps.reads.insurancePositions();
    },
    system: (_: unknown, __: unknown, { deps }: ApiContext) => deps.progress.status(),
  },
};
