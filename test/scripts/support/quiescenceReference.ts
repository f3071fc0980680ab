// The quiescence tracker as it was (one map of obligation names), the reference of the per-kind one.
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
import type { Position, RecordedEvent } from '../../../eventstore/port.js';
import { Decimal, ZERO, canonical, dec } from '../../../domain/money/decimal.js';
import { INSURANCE_USER_ID } from '../../../domain/position/types.js';

const LEG_EFFECTS = new Set(['PositionMarginReleased', 'PositionIncreased', 'PositionCloseToOpenCompensation']);
const ACCOUNT_LEG_POSTINGS = new Set(['TradeMarginSettled', 'ReleasedMarginCredited', 'CloseToOpenCompensated']);

interface Pending {
  obligation: string;
  /** the event that created it (or, for a consequence without a cause, the consequence) */
  eventId: string;
  eventType: string;
  position: Position;
}

interface Owed {
  count: number;
  cause: Pending;
}

interface Amount {
  owed: Decimal;
  cause: Pending;
}

export class ReferenceQuiescenceTracker {
  private readonly owed = new Map<string, Owed>();
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
    return this.owed.size === 0 && this.amounts.size === 0;
  }

  pending(): Pending[] {
    const out: Pending[] = [];
    for (const [obligation, o] of this.owed) out.push({ ...o.cause, obligation: o.count > 0 ? obligation : `${obligation} (consequence without its cause)` });
    for (const [ref, a] of this.amounts) out.push({ ...a.cause, obligation: `${ref} insurance amount ${canonical(a.owed)} not posted` });
    return out.sort((a, b) => (a.position.length - b.position.length) || (a.position < b.position ? -1 : a.position > b.position ? 1 : 0));
  }

  private change(obligation: string, by: number, event: RecordedEvent): void {
    const o = this.owed.get(obligation);
    const count = (o?.count ?? 0) + by;
    if (count === 0) this.owed.delete(obligation);
    else if (o) o.count = count;
    else this.owed.set(obligation, { count, cause: { obligation, eventId: event.id, eventType: event.type, position: event.position } });
  }

  private owe(o: string, e: RecordedEvent): void {
    this.change(o, 1, e);
  }

  private settle(o: string, e: RecordedEvent): void {
    this.change(o, -1, e);
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
        this.owe(`decision ${d.orderId}`, event);
        break;
      case 'OrderAccepted':
        this.settle(`decision ${d.orderId}`, event);
        if (d.cancelledAtAcceptance === true) this.owe(`end ${d.orderId}`, event);
        break;
      case 'OrderRejected':
        this.settle(`decision ${d.orderId}`, event);
        break;
      case 'PositionReserved':
        this.owe(`placement ${d.orderId}`, event);
        break;
      case 'PositionOrderTracked':
      case 'PositionReservationReleased':
        this.settle(`placement ${d.orderId}`, event);
        break;
      case 'TradeExecuted':
        for (const party of [d.maker, d.taker]) {
          this.owe(`leg ${d.tradeId} ${party.orderId}`, event);
          this.owe(`fill ${d.tradeId} ${party.orderId}`, event);
          if (dec(party.remaining).isZero()) this.owe(`end ${party.orderId}`, event);
        }
        break;
      case 'OrderPartiallyFilled':
      case 'OrderFilled':
        this.settle(`fill ${d.tradeId} ${d.orderId}`, event);
        if (t === 'OrderFilled') {
          this.settle(`end ${d.orderId}`, event);
          this.owe(`locks ${d.orderId}`, event);
        }
        break;
      case 'OrderCancelledInBook':
      case 'OrderExpiredInBook':
        this.owe(`end ${d.orderId}`, event);
        break;
      case 'OrderCancelled':
      case 'OrderExpired':
        this.settle(`end ${d.orderId}`, event);
        this.owe(`locks ${d.orderId}`, event);
        break;
      case 'OrderLocksReleased':
        this.settle(`locks ${d.orderId}`, event);
        // the account answers every order it froze for (even with nothing left), and must answer any release
        if (d.userId !== INSURANCE_USER_ID && (this.frozenOrders.has(`${d.userId} ${d.orderId}`) || dec(d.unfreezeMargin).plus(d.unfreezeFee).greaterThan(0))) {
          this.owe(`unfreeze ${d.userId} ${d.orderId}`, event);
        }
        break;
      case 'FundsFrozen':
        this.frozenOrders.add(`${d.userId} ${d.orderId}`);
        break;
      case 'FundsUnfrozen':
        this.frozenOrders.delete(`${d.userId} ${d.orderId}`);
        this.settle(`unfreeze ${d.userId} ${d.orderId}`, event);
        break;
      case 'PositionLiquidated':
        this.owe(`liquidation settlement ${d.requestId}`, event);
        this.owe(`insurance take-over ${d.requestId}`, event);
        break;
      case 'LiquidationSettled':
        this.settle(`liquidation settlement ${d.requestId}`, event);
        break;
      case 'PositionTransferredIn':
        this.settle(`insurance take-over ${d.requestId}`, event);
        this.amount(`pnl ${d.requestId}`, dec(d.realizedPnl), event);
        break;
      case 'TransferRecorded':
        // the runtime names the id transferId (= the deposit's txId); older test logs say txId
        if (d.kind === 'DEPOSIT') this.owe(`deposit ${d.transferId ?? d.txId}`, event);
        break;
      case 'FundsDeposited':
        this.settle(`deposit ${d.txId}`, event);
        break;
      case 'InsuranceFeePaid':
        this.amount(`fee ${d.tradeId}`, dec(d.fee).negated(), event);
        break;
      case 'InsurancePnlRealized':
        this.amount(`pnl ${this.pnlReference(String(d.key))}`, dec(d.amount).negated(), event);
        break;
      default:
        if (LEG_EFFECTS.has(t)) this.legEffect(event, d);
        else if (ACCOUNT_LEG_POSTINGS.has(t)) this.settle(`posting ${d.userId} ${event.metadata.idempotencyKey}`, event);
    }
    if (this.quiescent) this.lastQuiescent = event.position;
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
      this.settle(`leg ${leg}`, event);
    }
    if (d.userId === INSURANCE_USER_ID) {
      this.amount(`fee ${d.tradeId}`, dec(d.fee), event);
      if (event.type === 'PositionMarginReleased') this.amount(`pnl ${d.tradeId}`, dec(d.realizedPnl), event);
    } else {
      this.owe(`posting ${d.userId} ${event.metadata.idempotencyKey}`, event);
    }
  }
}
