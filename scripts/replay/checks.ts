/**
 * The log-level rules of the audit (DESIGN §11) that are not ledger rules: stream revisions
 * contiguous, no event id twice, no idempotency key applied in two appends, every trade leg
 * settled exactly once by its position and posted exactly once by its account.
 */
import type { RecordedEvent } from '../../eventstore/port.js';
import { INSURANCE_USER_ID } from '../../domain/position/types.js';
import { EventIdSet } from './idSet.js';
import { PairKeyMap } from './pairKeyMap.js';
import { StreamKeys } from './streamKeys.js';

export type LogRule = 'STREAM_GAP' | 'DUPLICATE_EVENT_ID' | 'KEY_APPLIED_TWICE' | 'LEG_SETTLED_TWICE' | 'LEG_POSTED_TWICE' | 'LEG_WITHOUT_TRADE' | 'POSTING_WITHOUT_LEG';

export interface LogViolation {
  rule: LogRule;
  eventIds: string[];
  detail: string;
}

interface StreamTrack {
  nextRevision: number;
  /** the append the previous event belonged to (causation + time), to tell appends apart */
  lastCausation: string | undefined;
  lastOccurredAt: string | undefined;
  appendIndex: number;
  /** the stream's number in `keys` */
  no: number;
}

interface LegTrack {
  /** position-side append (stream, index) and first event of each settlement run */
  settlements: Array<{ stream: string; append: number; eventId: string }>;
  known: boolean;
}

const LEG_EFFECTS = new Set(['PositionMarginReleased', 'PositionIncreased', 'PositionCloseToOpenCompensation']);
const ACCOUNT_LEG_POSTINGS = new Set(['TradeMarginSettled', 'ReleasedMarginCredited', 'CloseToOpenCompensated']);

export class LogChecks {
  readonly violations: LogViolation[] = [];
  private readonly streams = new Map<string, StreamTrack>();
  private readonly keys = new StreamKeys();
  private readonly ids = new EventIdSet();
  /** by `{tradeId} {orderId}` */
  private readonly legs = new PairKeyMap<LegTrack>();
  /** `{userId} {key}` of user leg effects → event id, and how often the account posted it */
  private readonly postings = new PairKeyMap<{ effectId: string | null; postedBy: string[] }>();

  apply(event: RecordedEvent): void {
    if (!this.ids.add(event.id)) this.violations.push({ rule: 'DUPLICATE_EVENT_ID', eventIds: [event.id], detail: `event id ${event.id} appears twice (${event.stream}@${event.revision})` });
    const stream = this.trackStream(event);
    const d = event.data as Record<string, any>;
    if (event.type === 'TradeExecuted') {
      for (const party of [d.maker, d.taker]) this.leg(String(d.tradeId), String(party.orderId)).known = true;
    } else if (LEG_EFFECTS.has(event.type)) {
      const leg = this.leg(String(d.tradeId), String(d.orderId));
      const append = stream.appendIndex;
      if (!leg.settlements.some((s) => s.append === append && s.stream === event.stream)) leg.settlements.push({ stream: event.stream, append, eventId: event.id });
      if (d.userId !== INSURANCE_USER_ID) {
        const user = String(d.userId);
        const key = String(event.metadata.idempotencyKey);
        const p = this.postings.get(user, key);
        if (p) p.effectId = p.effectId ?? event.id;
        else this.postings.set(user, key, { effectId: event.id, postedBy: [] });
      }
    } else if (ACCOUNT_LEG_POSTINGS.has(event.type)) {
      const user = String(d.userId);
      const key = String(event.metadata.idempotencyKey);
      let p = this.postings.get(user, key);
      if (!p) this.postings.set(user, key, (p = { effectId: null, postedBy: [] }));
      p.postedBy.push(event.id);
      if (p.postedBy.length === 2) this.violations.push({ rule: 'LEG_POSTED_TWICE', eventIds: [...p.postedBy], detail: `account of ${d.userId} posted leg ${String(event.metadata.idempotencyKey)} of trade ${d.tradeId} twice` });
      else if (p.postedBy.length > 2) this.violations.at(-1)?.eventIds.push(event.id);
    }
  }

  private leg(tradeId: string, orderId: string): LegTrack {
    let leg = this.legs.get(tradeId, orderId);
    if (!leg) this.legs.set(tradeId, orderId, (leg = { settlements: [], known: false }));
    return leg;
  }

  /** revisions and idempotency keys of the event's stream; returns the stream's track */
  private trackStream(event: RecordedEvent): StreamTrack {
    let s = this.streams.get(event.stream);
    if (!s) this.streams.set(event.stream, (s = { nextRevision: 0, lastCausation: undefined, lastOccurredAt: undefined, appendIndex: -1, no: this.streams.size }));
    if (event.revision !== s.nextRevision) {
      this.violations.push({
        rule: 'STREAM_GAP', eventIds: [event.id],
        detail: `${event.stream}: revision ${event.revision} follows ${s.nextRevision - 1}${event.revision > s.nextRevision ? ` (${event.revision - s.nextRevision} missing)` : ' (repeated)'}`,
      });
    }
    s.nextRevision = event.revision + 1;
    // an append is told apart by causation + time, compared as they are (no joined string per event)
    const causation = String(event.metadata.$causationId);
    const occurredAt = String(event.metadata.occurredAt);
    if (causation !== s.lastCausation || occurredAt !== s.lastOccurredAt) {
      s.lastCausation = causation;
      s.lastOccurredAt = occurredAt;
      s.appendIndex += 1;
    }
    const key = event.metadata.idempotencyKey;
    if (typeof key === 'string') {
      const seenIn = this.keys.swap(s.no, key, s.appendIndex);
      if (seenIn >= 0 && seenIn !== s.appendIndex) {
        this.violations.push({ rule: 'KEY_APPLIED_TWICE', eventIds: [event.id], detail: `${event.stream}: idempotency key ${key} applied again in a later append` });
      }
    }
    return s;
  }

  /** rules that need the whole (quiescent) log: legs settled exactly once, postings with their legs */
  finish(): LogViolation[] {
    const out: LogViolation[] = [];
    for (const [id, leg] of this.legs.entries()) {
      if (leg.settlements.length > 1) out.push({ rule: 'LEG_SETTLED_TWICE', eventIds: leg.settlements.map((s) => s.eventId), detail: `leg ${id} settled by ${leg.settlements.length} position appends` });
      if (!leg.known && leg.settlements.length > 0) out.push({ rule: 'LEG_WITHOUT_TRADE', eventIds: leg.settlements.map((s) => s.eventId), detail: `leg ${id} settled without a TradeExecuted` });
    }
    for (const [k, p] of this.postings.entries()) {
      if (p.effectId === null) out.push({ rule: 'POSTING_WITHOUT_LEG', eventIds: p.postedBy, detail: `account posting ${k} answers no position leg effect` });
    }
    return out;
  }

  streamCount(): number {
    return this.streams.size;
  }

}
