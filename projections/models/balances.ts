/**
 * balances: per user and asset, wallet.available and wallet.frozen — the fold of the user-book
 * lines of the account's $ events (the same fold the account aggregate uses, via the ledger's
 * balanceDelta). available may be negative (a deficit); frozen never.
 *
 * Keys: `balance:{userId}` (hash `available:{asset}`, `frozen:{asset}`), `balanceUsers` (set).
 */
import { type Decimal, dec } from '../../domain/money/decimal.js';
import { ExactSum, parseMinor } from '../../domain/money/exactSum.js';
import { USER, categoryOf, isDebitNormal } from '../../domain/ledger/accounts.js';
import { linesOf } from '../../domain/ledger/audit.js';
import type { JournalLine } from '../../domain/shared/events.js';
import type { Projection } from '../runner/projection.js';
import { write } from '../store/ops.js';
import type { ReadView, WriteOp } from '../store/port.js';
import { guarded, impossible } from './support.js';

/** exact sums (minor units while they fit): the Decimal fold's values without a Decimal per line */
export interface Wallet {
  available: ExactSum;
  frozen: ExactSum;
}

/** minor units of a decimal text, or its Decimal when off the scale (decimal.js judges it then) */
function amountOf(text: string): number | Decimal {
  return parseMinor(text) ?? dec(text);
}

/** the change of the line's account (wallet.*: debit-normal) — the ledger's balanceDelta, in minor units */
function deltaOf(line: JournalLine): number | Decimal {
  const category = categoryOf(line.book, line.account)!;
  const amount = amountOf(line.amount);
  if ((line.direction === 'DEBIT') === isDebitNormal(category)) return amount;
  return typeof amount === 'number' ? -amount : amount.negated();
}

export interface BalancesState {
  users: Map<string, Map<string, Wallet>>;
  /** `balance:{userId}`, built once (the same string is hashed once downstream) */
  keys: Map<string, string>;
}

export const balanceKeys = {
  users: 'balanceUsers',
  balance: (userId: string) => `balance:${userId}`,
};

export const balancesProjection: Projection<BalancesState> = {
  name: 'balances',
  version: 1,
  filter: { streamPrefixes: ['account-'] },
  initialState: () => ({ users: new Map(), keys: new Map() }),
  async loadState(view: ReadView): Promise<BalancesState> {
    const users = new Map<string, Map<string, Wallet>>();
    for (const userId of await view.smembers(balanceKeys.users)) {
      const fields = await view.hgetall(balanceKeys.balance(userId));
      const wallets = new Map<string, Wallet>();
      for (const [name, value] of Object.entries(fields)) {
        const [kind, asset] = splitField(name);
        const w = wallets.get(asset) ?? { available: new ExactSum(), frozen: new ExactSum() };
        if (kind === 'available') w.available = ExactSum.of(amountOf(value));
        else w.frozen = ExactSum.of(amountOf(value));
        wallets.set(asset, w);
      }
      users.set(userId, wallets);
    }
    return { users, keys: new Map() };
  },
  apply(state, event) {
    const lines = linesOf(event);
    if (lines === undefined) return { state, writes: [] };
    const userId = event.data.userId;
    if (typeof userId !== 'string') throw impossible(event, 'account event without userId');
    const writes: WriteOp[] = [];
    let wallets = state.users.get(userId);
    if (!wallets) {
      state.users.set(userId, (wallets = new Map()));
      writes.push(write.sadd(balanceKeys.users, userId));
    }
    const touched = new Set<string>();
    for (const line of lines) {
      if (line.book !== 'USER' || (line.account !== USER.walletAvailable && line.account !== USER.walletFrozen)) continue;
      const delta = guarded(event, () => deltaOf(line));
      let w = wallets.get(line.asset);
      if (!w) wallets.set(line.asset, (w = { available: new ExactSum(), frozen: new ExactSum() }));
      if (line.account === USER.walletAvailable) w.available.add(delta);
      else w.frozen.add(delta);
      touched.add(line.asset);
    }
    const fields: Record<string, string> = {};
    for (const asset of touched) {
      const w = wallets.get(asset)!;
      const frozen = w.frozen.canonical();
      if (frozen.startsWith('-')) throw impossible(event, `wallet.frozen of ${userId} in ${asset} would be ${frozen}`);
      fields[`available:${asset}`] = w.available.canonical();
      fields[`frozen:${asset}`] = frozen;
    }
    if (touched.size > 0) {
      let key = state.keys.get(userId);
      if (key === undefined) state.keys.set(userId, (key = balanceKeys.balance(userId)));
      writes.push(write.hset(key, fields));
    }
    return { state, writes };
  },
};

export function splitField(name: string): ['available' | 'frozen', string] {
  const colon = name.indexOf(':');
  const kind = name.slice(0, colon);
  if (colon < 0 || (kind !== 'available' && kind !== 'frozen')) throw new TypeError(`unexpected balance field ${name}`);
  return [kind, name.slice(colon + 1)];
}
