/**
 * balances: per user and asset, wallet.available and wallet.frozen — the fold of the user-book
 * lines of the account's $ events (the same fold the account aggregate uses, via the ledger's
 * balanceDelta). available may be negative (a deficit); frozen never.
 *
 * Keys: `balance:{userId}` (hash `available:{asset}`, `frozen:{asset}`), `balanceUsers` (set).
 */
import { Decimal, ZERO, canonical, dec } from '../../domain/money/decimal.js';
import { USER } from '../../domain/ledger/accounts.js';
import { balanceDelta } from '../../domain/ledger/balances.js';
import { linesOf } from '../../domain/ledger/audit.js';
import type { Projection } from '../runner/projection.js';
import { write } from '../store/ops.js';
import type { ReadView, WriteOp } from '../store/port.js';
import { guarded, impossible } from './support.js';

export interface Wallet {
  available: Decimal;
  frozen: Decimal;
}

export interface BalancesState {
  users: Map<string, Map<string, Wallet>>;
}

export const balanceKeys = {
  users: 'balanceUsers',
  balance: (userId: string) => `balance:${userId}`,
};

export const balancesProjection: Projection<BalancesState> = {
  name: 'balances',
  version: 1,
  filter: { streamPrefixes: ['account-'] },
  initialState: () => ({ users: new Map() }),
  async loadState(view: ReadView): Promise<BalancesState> {
    const users = new Map<string, Map<string, Wallet>>();
    for (const userId of await view.smembers(balanceKeys.users)) {
      const fields = await view.hgetall(balanceKeys.balance(userId));
      const wallets = new Map<string, Wallet>();
      for (const [name, value] of Object.entries(fields)) {
        const [kind, asset] = splitField(name);
        const w = wallets.get(asset) ?? { available: ZERO, frozen: ZERO };
        if (kind === 'available') w.available = dec(value);
        else w.frozen = dec(value);
        wallets.set(asset, w);
      }
      users.set(userId, wallets);
    }
    return { users };
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
      const delta = guarded(event, () => balanceDelta(line))!;
      const w = wallets.get(line.asset) ?? { available: ZERO, frozen: ZERO };
      if (line.account === USER.walletAvailable) w.available = w.available.plus(delta);
      else w.frozen = w.frozen.plus(delta);
      wallets.set(line.asset, w);
      touched.add(line.asset);
    }
    const fields: Record<string, string> = {};
    for (const asset of touched) {
      const w = wallets.get(asset)!;
      if (w.frozen.isNegative()) throw impossible(event, `wallet.frozen of ${userId} in ${asset} would be ${canonical(w.frozen)}`);
      fields[`available:${asset}`] = canonical(w.available);
      fields[`frozen:${asset}`] = canonical(w.frozen);
    }
    if (touched.size > 0) writes.push(write.hset(balanceKeys.balance(userId), fields));
    return { state, writes };
  },
};

export function splitField(name: string): ['available' | 'frozen', string] {
  const colon = name.indexOf(':');
  const kind = name.slice(0, colon);
  if (colon < 0 || (kind !== 'available' && kind !== 'frozen')) throw new TypeError(`unexpected balance field ${name}`);
  return [kind, name.slice(colon + 1)];
}
