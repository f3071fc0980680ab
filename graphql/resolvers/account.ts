import { failedPrecondition } from '../../domain/shared/errors.js';
import type { ApiContext } from '../context.js';
import type { OrderStatus } from '../views.js';
import { pageSize } from './paging.js';

/** The parent of every Account field: access was checked where the Account was handed out. */
export interface AccountParent {
  userId: string;
}

export const accountResolvers = {
  Account: {
    userId: (parent: AccountParent) => parent.userId,
    balances: (parent: AccountParent, _: unknown, { deps }: ApiContext) => deps.reads.balances(parent.userId),
    positions: (parent: AccountParent, _: unknown, { deps }: ApiContext) => deps.reads.positions(parent.userId),
    orders: (parent: AccountParent, args: { status?: OrderStatus[] | null; symbol?: string | null; first?: number | null }, { deps }: ApiContext) =>
      deps.reads.orders(parent.userId, {
        first: pageSize(args.first),
        ...(args.status ? { status: args.status } : {}),
        ...(args.symbol ? { symbol: args.symbol } : {}),
      }),
    fills: (parent: AccountParent, args: { symbol?: string | null; first?: number | null }, { deps }: ApiContext) =>
      deps.reads.fills(parent.userId, { first: pageSize(args.first), ...(args.symbol ? { symbol: args.symbol } : {}) }),
    journal: (parent: AccountParent, args: { first?: number | null }, { deps }: ApiContext) => deps.reads.journal(parent.userId, pageSize(args.first)),
    balanceSheet: (parent: AccountParent, _: unknown, { deps }: ApiContext) => deps.reads.balanceSheet(parent.userId),
    deficit: (parent: AccountParent, _: unknown, { deps }: ApiContext) => deps.reads.deficit(parent.userId),
    /** null until a proof-of-reserves audit has run (or when the user is not in the latest one) */
    reserveProof: (parent: AccountParent, _: unknown, { deps }: ApiContext) => (deps.reserves ? deps.reserves.latestProof(parent.userId) : null),
  },
  PlatformLedger: {
    balanceSheet: (_: unknown, __: unknown, { deps }: ApiContext) => deps.reads.platformBalanceSheet(),
    journal: (_: unknown, args: { first?: number | null }, { deps }: ApiContext) => deps.reads.platformJournal(pageSize(args.first)),
  },
};

export function noAuditYet(): never {
  throw failedPrecondition('no proof-of-reserves audit service is configured in this process', 'NO_RESERVE_AUDIT');
}
