/**
 * Quiescent log positions (DESIGN §6): a position where every OrderPlaced, TradeExecuted and
 * order end before it has all its consequences before it. Each cause adds obligations; each
 * consequence settles one; the position after an event is quiescent when nothing is owed.
 * Counting (rather than insisting on an order) accepts any interleaving the workflows produce.
 *
 * Obligations:
 * - OrderPlaced → the order's decision (OrderAccepted | OrderRejected);
 * - PositionReserved → the position learns the freeze (PositionOrderTracked) or releases it;
 * - TradeExecuted, per leg → the position settles it, the order records the fill, and a party
 *   left with nothing ends (OrderFilled);
 * - each user leg effect of a position → the account posts the same key; an insurance leg's fee
 *   and PnL → InsuranceFeePaid / InsurancePnlRealized of the same amount;
 * - a book cancel / expiry (or a cancel at acceptance) → OrderCancelled / OrderExpired;
 * - an order end → OrderLocksReleased; then FundsUnfrozen when the account froze for the order
 *   (it answers even with nothing left) or the release is not zero;
 * - PositionLiquidated → LiquidationSettled and the insurance take-over (PositionTransferredIn),
 *   whose PnL → InsurancePnlRealized;
 * - a recorded deposit (TransferRecorded kind DEPOSIT) → FundsDeposited.
 */
import type { Position, RecordedEvent } from '../../eventstore/port.js';
import { Decimal, ZERO, canonical, dec } from '../../domain/money/decimal.js';
import { parseMinor } from '../../domain/money/exactSum.js';
import { INSURANCE_USER_ID } from '../../domain/position/types.js';

const LEG_EFFECTS = new Set(['PositionMarginReleased', 'PositionIncreased', 'PositionCloseToOpenCompensation']);
const ACCOUNT_LEG_POSTINGS = new Set(['TradeMarginSettled', 'ReleasedMarginCredited', 'CloseToOpenCompensated']);

export interface Pending {
  obligation: string;
  /** the event that created it (or, for a consequence without a cause, the consequence) */
  eventId: string;
  eventType: string;
  position: Position;
}

interface Owed {
  count: number;
  /** creation order across every kind: pending() lists obligations of one position in it */
  seq: number;
  kind: Kind;
  key: string;
  eventId: string;
  eventType: string;
  position: Position;
}

/**
 * What is owed, by kind; the obligation's name is `{kind} {key}`. One map per kind keyed by the
 * ids as the events carry them: no name string built, flattened and hashed per event.
 */
type Kind = 'decision' | 'end' | 'placement' | 'leg' | 'fill' | 'locks' | 'unfreeze' | 'liquidation settlement' | 'insurance take-over' | 'deposit' | 'posting';
const KINDS: readonly Kind[] = ['decision', 'end', 'placement', 'leg', 'fill', 'locks', 'unfreeze', 'liquidation settlement', 'insurance take-over', 'deposit', 'posting'];

interface Amount {
  owed: Decimal;
  cause: Pending;
}

export class QuiescenceTracker {
  private readonly owed = new Map<Kind, Map<string, Owed>>(KINDS.map((k) => [k, new Map()]));
  private readonly decisions = this.owed.get('decision')!;
  private readonly ends = this.owed.get('end')!;
  private readonly placements = this.owed.get('placement')!;
  private readonly legs = this.owed.get('leg')!;
  private readonly fills = this.owed.get('fill')!;
  private readonly locks = this.owed.get('locks')!;
  private readonly unfreezes = this.owed.get('unfreeze')!;
  private readonly postings = this.owed.get('posting')!;
  private owedCount = 0;
  private seq = 0;
  /** insurance fee / PnL owed per reference (tradeId or liquidation request id) */
  private readonly amounts = new Map<string, Amount>();
  private readonly settledLegs = new Set<string>();
  /** orders the account holds frozen funds for, until FundsUnfrozen */
  private readonly frozenOrders = new Set<string>();
  private lastQuiescent: Position = '0';

  /** the latest position so far after which nothing was owed */
  get quiescentPosition(): Position {
    return this.lastQuiescent;
  }

  get quiescent(): boolean {
    return this.owedCount === 0 && this.amounts.size === 0;
  }

  pending(): Pending[] {
    const owed: Owed[] = [];
    for (const byKey of this.owed.values()) for (const o of byKey.values()) owed.push(o);
    owed.sort((a, b) => a.seq - b.seq);
    const out: Pending[] = [];
    for (const o of owed) {
      const obligation = `${o.kind} ${o.key}`;
      out.push({ obligation: o.count > 0 ? obligation : `${obligation} (consequence without its cause)`, eventId: o.eventId, eventType: o.eventType, position: o.position });
    }
    for (const [ref, a] of this.amounts) out.push({ ...a.cause, obligation: `${ref} insurance amount ${canonical(a.owed)} not posted` });
    return out.sort((a, b) => (a.position.length - b.position.length) || (a.position < b.position ? -1 : a.position > b.position ? 1 : 0));
  }

  private change(byKey: Map<string, Owed>, kind: Kind, key: string, by: number, event: RecordedEvent): void {
    const o = byKey.get(key);
    if (o) {
      o.count += by;
      if (o.count === 0) {
        byKey.delete(key);
        this.owedCount--;
      }
      return;
    }
    byKey.set(key, { count: by, seq: this.seq++, kind, key, eventId: event.id, eventType: event.type, position: event.position });
    this.owedCount++;
  }

  private owe(byKey: Map<string, Owed>, kind: Kind, key: string, e: RecordedEvent): void {
    this.change(byKey, kind, key, 1, e);
  }

  private settle(byKey: Map<string, Owed>, kind: Kind, key: string, e: RecordedEvent): void {
    this.change(byKey, kind, key, -1, e);
  }

  private amount(ref: string, delta: Decimal, event: RecordedEvent): void {
    if (delta.isZero()) return;
    const a = this.amounts.get(ref);
    const owed = (a?.owed ?? ZERO).plus(delta);
    if (owed.isZero()) this.amounts.delete(ref);
    else if (a) a.owed = owed;
    else this.amounts.set(ref, { owed, cause: { obligation: ref, eventId: event.id, eventType: event.type, position: event.position } });
  }

  apply(event: RecordedEvent): void {
    const d = event.data as Record<string, any>;
    const t = event.type;
    switch (t) {
      case 'OrderPlaced':
        this.owe(this.decisions, 'decision', String(d.orderId), event);
        break;
      case 'OrderAccepted':
        this.settle(this.decisions, 'decision', String(d.orderId), event);
        if (d.cancelledAtAcceptance === true) this.owe(this.ends, 'end', String(d.orderId), event);
        break;
      case 'OrderRejected':
        this.settle(this.decisions, 'decision', String(d.orderId), event);
        break;
      case 'PositionReserved':
        this.owe(this.placements, 'placement', String(d.orderId), event);
        break;
      case 'PositionOrderTracked':
      case 'PositionReservationReleased':
        this.settle(this.placements, 'placement', String(d.orderId), event);
        break;
      case 'TradeExecuted':
        for (const party of [d.maker, d.taker]) {
          const leg = `${d.tradeId} ${party.orderId}`;
          this.owe(this.legs, 'leg', leg, event);
          this.owe(this.fills, 'fill', leg, event);
          if (isZeroAmount(party.remaining)) this.owe(this.ends, 'end', String(party.orderId), event);
        }
        break;
      case 'OrderPartiallyFilled':
      case 'OrderFilled':
        this.settle(this.fills, 'fill', `${d.tradeId} ${d.orderId}`, event);
        if (t === 'OrderFilled') {
          this.settle(this.ends, 'end', String(d.orderId), event);
          this.owe(this.locks, 'locks', String(d.orderId), event);
        }
        break;
      case 'OrderCancelledInBook':
      case 'OrderExpiredInBook':
        this.owe(this.ends, 'end', String(d.orderId), event);
        break;
      case 'OrderCancelled':
      case 'OrderExpired':
        this.settle(this.ends, 'end', String(d.orderId), event);
        this.owe(this.locks, 'locks', String(d.orderId), event);
        break;
      case 'OrderLocksReleased':
        this.settle(this.locks, 'locks', String(d.orderId), event);
        // the account answers every order it froze for (even with nothing left), and must answer any release
        if (d.userId !== INSURANCE_USER_ID) {
          const frozen = `${d.userId} ${d.orderId}`;
          if (this.frozenOrders.has(frozen) || isPositiveSum(d.unfreezeMargin, d.unfreezeFee)) this.owe(this.unfreezes, 'unfreeze', frozen, event);
        }
        break;
      case 'FundsFrozen':
        this.frozenOrders.add(`${d.userId} ${d.orderId}`);
        break;
      case 'FundsUnfrozen': {
        const frozen = `${d.userId} ${d.orderId}`;
        this.frozenOrders.delete(frozen);
        this.settle(this.unfreezes, 'unfreeze', frozen, event);
        break;
      }
      case 'PositionLiquidated':
        this.owe(this.owed.get('liquidation settlement')!, 'liquidation settlement', String(d.requestId), event);
        this.owe(this.owed.get('insurance take-over')!, 'insurance take-over', String(d.requestId), event);
        break;
      case 'LiquidationSettled':
        this.settle(this.owed.get('liquidation settlement')!, 'liquidation settlement', String(d.requestId), event);
        break;
      case 'PositionTransferredIn':
        this.settle(this.owed.get('insurance take-over')!, 'insurance take-over', String(d.requestId), event);
        this.amount(`pnl ${d.requestId}`, dec(d.realizedPnl), event);
        break;
      case 'TransferRecorded':
        // the runtime names the id transferId (= the deposit's txId); older test logs say txId
        if (d.kind === 'DEPOSIT') this.owe(this.owed.get('deposit')!, 'deposit', String(d.transferId ?? d.txId), event);
        break;
      case 'FundsDeposited':
        this.settle(this.owed.get('deposit')!, 'deposit', String(d.txId), event);
        break;
      case 'InsuranceFeePaid':
        this.amount(`fee ${d.tradeId}`, dec(d.fee).negated(), event);
        break;
      case 'InsurancePnlRealized':
        this.amount(`pnl ${this.pnlReference(String(d.key))}`, dec(d.amount).negated(), event);
        break;
      default:
        if (LEG_EFFECTS.has(t)) this.legEffect(event, d);
        else if (ACCOUNT_LEG_POSTINGS.has(t)) this.settle(this.postings, 'posting', `${d.userId} ${event.metadata.idempotencyKey}`, event);
    }
    if (this.owedCount === 0 && this.amounts.size === 0) this.lastQuiescent = event.position;
  }

  /** the insurance PnL of a leg is posted under `{tradeId}:…`, of a take-over under its request id */
  private pnlReference(key: string): string {
    if (this.amounts.has(`pnl ${key}`)) return key;
    const colon = key.lastIndexOf(':');
    return colon < 0 ? key : key.slice(0, colon);
  }

  private legEffect(event: RecordedEvent, d: Record<string, any>): void {
    const leg = `${d.tradeId} ${d.orderId}`;
    if (!this.settledLegs.has(leg)) {
      this.settledLegs.add(leg);
      this.settle(this.legs, 'leg', leg, event);
    }
    if (d.userId === INSURANCE_USER_ID) {
      this.amount(`fee ${d.tradeId}`, dec(d.fee), event);
      if (event.type === 'PositionMarginReleased') this.amount(`pnl ${d.tradeId}`, dec(d.realizedPnl), event);
    } else {
      this.owe(this.postings, 'posting', `${d.userId} ${event.metadata.idempotencyKey}`, event);
    }
  }
}

/** dec(text).isZero(), without decimal.js for the texts on the money scale */
function isZeroAmount(value: unknown): boolean {
  const minor = typeof value === 'string' ? parseMinor(value) : undefined;
  return minor === undefined ? dec(value as string).isZero() : minor === 0;
}

/** dec(a).plus(b).greaterThan(0), exact: the sign of a float sum of two safe integers is the exact sum's */
function isPositiveSum(a: unknown, b: unknown): boolean {
  const x = typeof a === 'string' ? parseMinor(a) : undefined;
  const y = typeof b === 'string' ? parseMinor(b) : undefined;
  if (x === undefined || y === undefined) return dec(a as string).plus(b as string).greaterThan(0);
  return x + y > 0;
}
