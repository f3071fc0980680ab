/**
 * The ledger invariants as a client sees them through the API (DESIGN §6): the platform balance
 * sheet balances, each user's balances, each journal reproduces its balance sheet line by line,
 * the sheets agree with Balance / Position, and liability.userFunds is every user's wallet plus
 * margins. Returns the problems found (empty = clean).
 */
import { Decimal } from '../../../domain/money/decimal.js';
import { ADMIN_KEY, type TestExchange } from './exchange.js';

interface SheetAccount {
  account: string;
  asset: string;
  category: string;
  balance: string;
}
interface JournalLine {
  account: string;
  asset: string;
  direction: 'DEBIT' | 'CREDIT';
  amount: string;
}

const SHEET = 'balanceSheet { balanced accounts { account asset category balance } }';
const JOURNAL = 'journal(first: 1000) { id lines { book account asset direction amount } }';
const DEBIT_NORMAL = new Set(['ASSET', 'EXPENSE']);

/** each account's balance from its journal lines, signed by the account's normal side */
function journalProblems(who: string, sheet: { accounts: SheetAccount[] }, journal: Array<{ lines: JournalLine[] }>): string[] {
  const net = new Map<string, Decimal>();
  for (const entry of journal) {
    for (const line of entry.lines) {
      const key = `${line.account} ${line.asset}`;
      const signed = line.direction === 'DEBIT' ? new Decimal(line.amount) : new Decimal(line.amount).negated();
      net.set(key, (net.get(key) ?? new Decimal(0)).plus(signed));
    }
  }
  const problems: string[] = [];
  if (journal.length >= 1000) problems.push(`${who}: journal longer than one page; the check needs paging`);
  const seen = new Set<string>();
  for (const account of sheet.accounts) {
    const key = `${account.account} ${account.asset}`;
    seen.add(key);
    const fromLines = net.get(key) ?? new Decimal(0);
    const expected = DEBIT_NORMAL.has(account.category) ? fromLines : fromLines.negated();
    if (!expected.eq(account.balance)) problems.push(`${who}: ${key} is ${account.balance} on the sheet, ${expected.toFixed()} from the journal`);
  }
  for (const [key, amount] of net) if (!seen.has(key) && !amount.isZero()) problems.push(`${who}: ${key} has journal lines (${amount.toFixed()}) but no sheet line`);
  return problems;
}

export async function apiLedgerProblems(x: TestExchange, users: ReadonlyMap<string, { userId: string; apiKey: string }>): Promise<string[]> {
  const problems: string[] = [];
  const platform = (await x.data(`{ platformLedger { ${SHEET} ${JOURNAL} } }`, {}, ADMIN_KEY)).platformLedger;
  if (!platform.balanceSheet.balanced) problems.push('platform balance sheet not balanced');
  problems.push(...journalProblems('platform', platform.balanceSheet, platform.journal));

  let userFunds = new Decimal(0);
  for (const [name, user] of users) {
    const me = (await x.data(`{ me { balances { asset available frozen total } positions { symbol margin } ${SHEET} ${JOURNAL} } }`, {}, user.apiKey)).me;
    if (!me.balanceSheet.balanced) problems.push(`${name}: balance sheet not balanced`);
    problems.push(...journalProblems(name, me.balanceSheet, me.journal));
    const line = (account: string) => me.balanceSheet.accounts.find((a: SheetAccount) => a.account === account && a.asset === 'USDT')?.balance ?? '0';
    for (const balance of me.balances) {
      if (balance.asset !== 'USDT') continue;
      if (!new Decimal(line('wallet.available')).eq(balance.available)) problems.push(`${name}: available ${balance.available}, sheet ${line('wallet.available')}`);
      if (!new Decimal(line('wallet.frozen')).eq(balance.frozen)) problems.push(`${name}: frozen ${balance.frozen}, sheet ${line('wallet.frozen')}`);
      if (!new Decimal(balance.available).plus(balance.frozen).eq(balance.total)) problems.push(`${name}: total ${balance.total} ≠ available + frozen`);
      userFunds = userFunds.plus(balance.total);
    }
    for (const position of me.positions) {
      if (!new Decimal(line(`margin.${position.symbol}`)).eq(position.margin)) problems.push(`${name}: ${position.symbol} margin ${position.margin}, sheet ${line(`margin.${position.symbol}`)}`);
      userFunds = userFunds.plus(position.margin);
    }
  }
  const liability = platform.balanceSheet.accounts.find((a: SheetAccount) => a.account === 'liability.userFunds' && a.asset === 'USDT')?.balance ?? '0';
  if (!userFunds.eq(liability)) problems.push(`liability.userFunds ${liability} ≠ Σ users' wallet + margins ${userFunds.toFixed()}`);
  return problems;
}
