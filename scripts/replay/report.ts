/** The replay report: one JSON document, or lines for a human. */
import { Decimal, ZERO, canonical } from '../../domain/money/decimal.js';
import type { BalanceRow } from '../../domain/ledger/balances.js';
import type { LiveComparison } from './compare.js';
import type { FoldResult, Violation } from './fold.js';
import type { Pending } from './quiescence.js';

export interface ReplayReport {
  ok: boolean;
  position: string;
  requestedPosition: string | null;
  quiescentPosition: string;
  quiescentAtEnd: boolean;
  stateHash: string;
  counts: FoldResult['counts'] & { violations: number; pending: number };
  ledger: BalanceRow[];
  /** Σ over users of each user-book account */
  userTotals: Array<{ asset: string; account: string; category: string; balance: string }>;
  violations: Violation[];
  pending: Pending[];
  compareLive: LiveComparison | null;
  elapsedMs: number;
}

export function buildReport(result: FoldResult, compare: LiveComparison | null, elapsedMs: number): ReplayReport {
  const differences = compare?.differences.length ?? 0;
  return {
    ok: result.violations.length === 0 && differences === 0,
    position: result.position,
    requestedPosition: result.requestedPosition,
    quiescentPosition: result.quiescentPosition,
    quiescentAtEnd: result.quiescentAtEnd,
    stateHash: result.stateHash,
    counts: { ...result.counts, violations: result.violations.length, pending: result.pending.length },
    ledger: result.ledgerBalances.rows(),
    userTotals: userTotals(result.ledgerBalances.rows()),
    violations: result.violations,
    pending: result.pending,
    compareLive: compare,
    elapsedMs,
  };
}

function userTotals(rows: BalanceRow[]): ReplayReport['userTotals'] {
  const sums = new Map<string, { asset: string; account: string; category: string; balance: Decimal }>();
  for (const row of rows) {
    if (row.book !== 'USER') continue;
    const k = `${row.asset} ${row.account}`;
    const s = sums.get(k) ?? { asset: row.asset, account: row.account, category: row.category, balance: ZERO };
    s.balance = s.balance.plus(row.balance);
    sums.set(k, s);
  }
  return [...sums.keys()].sort().map((k) => ({ ...sums.get(k)!, balance: canonical(sums.get(k)!.balance) }));
}

const MAX_LISTED = 50;

export function humanReport(r: ReplayReport): string {
  const out: string[] = [];
  out.push(`replay ${r.ok ? 'OK' : 'FAILED'}: ${r.counts.events} events in ${r.counts.streams} streams, ${r.counts.journalEntries} journal entries, ${(r.elapsedMs / 1000).toFixed(1)} s`);
  if (r.requestedPosition !== null) out.push(`asked for position ${r.requestedPosition}; folded to the latest quiescent position at or before it: ${r.position}`);
  else out.push(`folded to ${r.position}${r.quiescentAtEnd ? ' (quiescent)' : `; last quiescent position ${r.quiescentPosition}, ${r.pending.length} in-flight obligations`}`);
  out.push(`state hash ${r.stateHash}`);
  out.push('', 'ledger accounts (platform book, then per user):');
  const platform = r.ledger.filter((row) => row.book === 'PLATFORM');
  for (const row of platform) out.push(`  platform ${row.asset} ${row.account.padEnd(22)} ${row.category.padEnd(9)} ${row.balance}`);
  const users = new Set(r.ledger.filter((row) => row.book === 'USER').map((row) => row.owner));
  out.push(`  user book, Σ over ${users.size} users (per-user rows in --json):`);
  for (const t of r.userTotals) out.push(`  users    ${t.asset} ${t.account.padEnd(22)} ${t.category.padEnd(9)} ${t.balance}`);
  out.push('', `event types: ${Object.entries(r.counts.byType).sort(([a], [b]) => (a < b ? -1 : 1)).map(([t, n]) => `${t} ${n}`).join(', ')}`);
  if (r.pending.length > 0) {
    out.push('', `pending (in flight) — ${r.pending.length}:`);
    for (const p of r.pending.slice(0, MAX_LISTED)) out.push(`  ${p.eventType} ${p.eventId} @${p.position}: ${p.obligation}`);
  }
  if (r.violations.length > 0) {
    out.push('', `VIOLATIONS — ${r.violations.length}:`);
    for (const v of r.violations.slice(0, MAX_LISTED)) out.push(`  ${v.rule} [${v.eventIds.join(', ')}] ${v.detail}`);
    if (r.violations.length > MAX_LISTED) out.push(`  … ${r.violations.length - MAX_LISTED} more (see --json)`);
  }
  if (r.compareLive) {
    out.push('', `compare with live read models: ${r.compareLive.differences.length} differences`);
    for (const d of r.compareLive.differences.slice(0, MAX_LISTED)) out.push(`  ${d.projection} ${d.key}: live ${JSON.stringify(d.live)} ≠ rebuilt ${JSON.stringify(d.rebuilt)}`);
  }
  return out.join('\n');
}
