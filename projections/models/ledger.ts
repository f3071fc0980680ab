/**
 * ledger: `user_journal` (every journal entry of a user with its user-book lines),
 * `platform_journal` (every entry's platform-book lines) and the running balance of every
 * ledger account of both books. The balances are the domain's LedgerBalances fold; an entry that
 * does not balance (the domain's checkEntry) stops the projection.
 *
 * Keys:
 * - `journal:user:{userId}` / `journal:platform`: sorted sets, score 0, members
 *   `logOrderMember(position, JSON entry)` so a page newest first needs one read;
 * - `accounts:user:{userId}` / `accounts:platform`: hashes `{asset}|{account}` → balance;
 * - `ledgerUsers`: set of users with a user book (to reload the fold).
 */
import type { RecordedEvent } from '../../eventstore/port.js';
import { categoryOf } from '../../domain/ledger/accounts.js';
import { checkEntry, linesOf } from '../../domain/ledger/audit.js';
import { LedgerBalances, PLATFORM_OWNER, type FoldAmount } from '../../domain/ledger/balances.js';
import { canonical, dec } from '../../domain/money/decimal.js';
import type { Book, JournalLine } from '../../domain/shared/events.js';
import type { Projection } from '../runner/projection.js';
import { logOrderMember } from '../store/keys.js';
import { write } from '../store/ops.js';
import type { ReadView, WriteOp } from '../store/port.js';
import { impossible, member, occurredAt } from './support.js';

export interface LedgerState {
  balances: LedgerBalances;
  users: Set<string>;
  /** a user's journal and accounts keys, built once (the same strings are hashed once downstream) */
  userKeys: Map<string, { journal: string; accounts: string }>;
}

export interface JournalEntryModel {
  id: string;
  eventId: string;
  eventType: string;
  referenceId: string;
  occurredAt: string;
  lines: JournalLine[];
}

export const ledgerKeys = {
  users: 'ledgerUsers',
  userJournal: (userId: string) => `journal:user:${userId}`,
  platformJournal: 'journal:platform',
  userAccounts: (userId: string) => `accounts:user:${userId}`,
  platformAccounts: 'accounts:platform',
};

/** The orderId, tradeId, txId or requestId an entry belongs to (DESIGN §10). */
const REFERENCE_FIELD: Record<string, string> = {
  FundsDeposited: 'txId',
  FundsWithdrawn: 'requestId',
  FundsFrozen: 'orderId',
  FundsUnfrozen: 'orderId',
  TradeMarginSettled: 'tradeId',
  ReleasedMarginCredited: 'tradeId',
  CloseToOpenCompensated: 'tradeId',
  LiquidationSettled: 'requestId',
  InsuranceFunded: 'txId',
  InsuranceFeePaid: 'tradeId',
  InsurancePnlRealized: 'key',
};

export function referenceIdOf(event: RecordedEvent): string {
  const name = REFERENCE_FIELD[event.type];
  const value = name === undefined ? undefined : event.data[name];
  if (typeof value !== 'string') throw impossible(event, `no reference id (${name ?? 'unknown $ event type'})`);
  return value;
}

export function accountField(asset: string, account: string): string {
  return `${asset}|${account}`;
}

function splitAccountField(name: string): { asset: string; account: string } {
  const bar = name.indexOf('|');
  return { asset: name.slice(0, bar), account: name.slice(bar + 1) };
}

/** A line that moves `account` from 0 to `balance` (in its normal direction): how a fold is reloaded. */
function openingLine(book: Book, account: string, asset: string, balance: string): JournalLine[] {
  const category = categoryOf(book, account);
  const amount = dec(balance);
  if (category === undefined || amount.isZero()) return [];
  const debitNormal = category === 'ASSET' || category === 'EXPENSE';
  const direction = amount.isNegative() === debitNormal ? 'CREDIT' : 'DEBIT';
  return [{ book, account, asset, direction, amount: canonical(amount.abs()) }];
}

export const ledgerProjection: Projection<LedgerState> = {
  name: 'ledger',
  version: 1,
  filter: { streamPrefixes: ['account-', 'insurance-'] },
  initialState: () => ({ balances: new LedgerBalances(), users: new Set(), userKeys: new Map() }),
  async loadState(view: ReadView): Promise<LedgerState> {
    const balances = new LedgerBalances();
    const users = new Set(await view.smembers(ledgerKeys.users));
    for (const userId of users) {
      for (const [name, value] of Object.entries(await view.hgetall(ledgerKeys.userAccounts(userId)))) {
        const { asset, account } = splitAccountField(name);
        balances.apply(openingLine('USER', account, asset, value), userId);
      }
    }
    for (const [name, value] of Object.entries(await view.hgetall(ledgerKeys.platformAccounts))) {
      const { asset, account } = splitAccountField(name);
      balances.apply(openingLine('PLATFORM', account, asset, value));
    }
    return { balances, users, userKeys: new Map() };
  },
  apply(state, event) {
    const lines = linesOf(event);
    if (lines === undefined) return { state, writes: [] };
    const userId = typeof event.data.userId === 'string' ? event.data.userId : undefined;
    const amounts: Array<FoldAmount | undefined> = [];
    const problems = checkEntry(lines, event.id, userId, amounts);
    if (problems.length > 0) throw impossible(event, problems.map((p) => `${p.rule}: ${p.detail}`).join('; '), { violations: problems });
    post(state.balances, lines, amounts, userId);
    const writes: WriteOp[] = [];
    const referenceId = referenceIdOf(event);
    const at = occurredAt(event);
    const userLines: JournalLine[] = [];
    const platformLines: JournalLine[] = [];
    for (const l of lines) {
      if (l.book === 'USER') userLines.push(l);
      else if (l.book === 'PLATFORM') platformLines.push(l);
    }
    if (userLines.length > 0 && userId !== undefined) {
      if (!state.users.has(userId)) {
        state.users.add(userId);
        writes.push(write.sadd(ledgerKeys.users, userId));
      }
      let keys = state.userKeys.get(userId);
      if (keys === undefined) state.userKeys.set(userId, (keys = { journal: ledgerKeys.userJournal(userId), accounts: ledgerKeys.userAccounts(userId) }));
      writes.push(write.zadd(keys.journal, 0, logOrderMember(event.position, member(journalEntry(event, 'USER', referenceId, at, userLines)))));
      writes.push(write.hset(keys.accounts, touchedBalances(state.balances, 'USER', userId, userLines)));
    }
    if (platformLines.length > 0) {
      writes.push(write.zadd(ledgerKeys.platformJournal, 0, logOrderMember(event.position, member(journalEntry(event, 'PLATFORM', referenceId, at, platformLines)))));
      writes.push(write.hset(ledgerKeys.platformAccounts, touchedBalances(state.balances, 'PLATFORM', PLATFORM_OWNER, platformLines)));
    }
    return { state, writes };
  },
};

/**
 * balances.apply(lines, userId) with the amounts checkEntry parsed: an entry without problems has
 * only well-formed lines of known accounts, and user-book lines only with a userId.
 */
function post(balances: LedgerBalances, lines: readonly JournalLine[], amounts: ReadonlyArray<FoldAmount | undefined>, userId: string | undefined): void {
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    const category = categoryOf(l.book, l.account);
    const amount = amounts[i];
    if (category === undefined || amount === undefined) throw new TypeError(`line ${i} of a checked entry is not postable`);
    const owner = l.book === 'USER' ? userId : PLATFORM_OWNER;
    if (owner === undefined) throw new TypeError(`user-book line ${l.account} without a userId`);
    balances.post(l.book, owner, l.account, l.asset, category, l.direction === 'DEBIT', amount);
  }
}

/** the member's JSON has these keys in this order: a stored journal's members depend on it */
function journalEntry(event: RecordedEvent, book: Book, referenceId: string, at: string, lines: JournalLine[]): JournalEntryModel {
  return { id: `${event.id}:${book}`, eventId: event.id, eventType: event.type, referenceId, occurredAt: at, lines };
}

/** the canonical balance straight from the exact sum: no Decimal is made per line */
function touchedBalances(balances: LedgerBalances, book: Book, owner: string, lines: readonly JournalLine[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const l of lines) out[accountField(l.asset, l.account)] = balances.balance(book, owner, l.account, l.asset);
  return out;
}
