/**
 * orders: every order by id, each user's orders newest first (all, and per status), the lookup
 * by (userId, clientOrderId), and each user's fills newest first. Fill events carry absolute
 * totals (filledQty, averageFillPrice, feeTotal), so nothing is summed here.
 *
 * Keys:
 * - `order:{orderId}` hash (the Order fields, '' for null);
 * - `orders:{userId}` and `ordersByStatus:{userId}:{status}`: sorted sets, score 0, members
 *   `logOrderMember(position of OrderPlaced, orderId)`;
 * - `clientOrder:{userId}:{clientOrderId}` → orderId;
 * - `fills:{userId}`: sorted set, score 0, members `logOrderMember(position, JSON fill)`;
 * - `openOrders`: set of orders not yet ended (to reload the fold).
 */
import type { RecordedEvent } from '../../eventstore/port.js';
import type { Projection } from '../runner/projection.js';
import { logOrderMember } from '../store/keys.js';
import { write } from '../store/ops.js';
import type { ReadView, WriteOp } from '../store/port.js';
import { field, impossible, member, occurredAt } from './support.js';

export type OrderStatus = 'PENDING' | 'NEW' | 'PARTIALLY_FILLED' | 'FILLED' | 'CANCELLED' | 'EXPIRED' | 'REJECTED';
export const ORDER_STATUSES: readonly OrderStatus[] = ['PENDING', 'NEW', 'PARTIALLY_FILLED', 'FILLED', 'CANCELLED', 'EXPIRED', 'REJECTED'];
const TERMINAL = new Set<OrderStatus>(['FILLED', 'CANCELLED', 'EXPIRED', 'REJECTED']);

export interface OpenOrder {
  userId: string;
  symbol: string;
  side: string;
  status: OrderStatus;
  /** its place in the user's lists */
  listMember: string;
  /** `order:{orderId}` */
  key: string;
  keys: UserKeys;
}

/**
 * A user's list keys, built once: every event of an order writes several of them, and the same
 * key string each time is hashed once by the batch compaction and the store, not per write.
 */
export interface UserKeys {
  byUser: string;
  fills: string;
  byStatus: Record<OrderStatus, string>;
}

export interface OrdersState {
  open: Map<string, OpenOrder>;
  userKeys: Map<string, UserKeys>;
}

export interface FillModel {
  tradeId: string;
  orderId: string;
  symbol: string;
  side: string;
  price: string;
  quantity: string;
  fee: string;
  liquidity: string;
  executedAt: string;
}

export const orderKeys = {
  open: 'openOrders',
  order: (orderId: string) => `order:${orderId}`,
  byUser: (userId: string) => `orders:${userId}`,
  byStatus: (userId: string, status: string) => `ordersByStatus:${userId}:${status}`,
  byClientId: (userId: string, clientOrderId: string) => `clientOrder:${userId}:${clientOrderId}`,
  fills: (userId: string) => `fills:${userId}`,
};

function text(value: unknown): string {
  if (value === null || value === undefined) return '';
  return String(value);
}

function userKeysOf(state: OrdersState, userId: string): UserKeys {
  let keys = state.userKeys.get(userId);
  if (keys === undefined) {
    const byStatus = {} as Record<OrderStatus, string>;
    for (const status of ORDER_STATUSES) byStatus[status] = orderKeys.byStatus(userId, status);
    state.userKeys.set(userId, (keys = { byUser: orderKeys.byUser(userId), fills: orderKeys.fills(userId), byStatus }));
  }
  return keys;
}

/** status change: the order leaves one status list and enters another */
function moveStatus(writes: WriteOp[], order: OpenOrder, to: OrderStatus): void {
  writes.push(write.zrem(order.keys.byStatus[order.status], order.listMember));
  writes.push(write.zadd(order.keys.byStatus[to], 0, order.listMember));
  writes.push(write.hset(order.key, { status: to }));
  order.status = to;
}

function openOrder(state: OrdersState, event: RecordedEvent): [string, OpenOrder] {
  const orderId = field(event, 'orderId');
  const order = state.open.get(orderId);
  if (!order) throw impossible(event, `order ${orderId} is unknown or already ended`);
  return [orderId, order];
}

function end(state: OrdersState, writes: WriteOp[], orderId: string, order: OpenOrder, to: OrderStatus): void {
  moveStatus(writes, order, to);
  if (TERMINAL.has(to)) {
    state.open.delete(orderId);
    writes.push(write.srem(orderKeys.open, orderId));
  }
}

export const ordersProjection: Projection<OrdersState> = {
  name: 'orders',
  version: 1,
  filter: { streamPrefixes: ['order-'] },
  initialState: () => ({ open: new Map(), userKeys: new Map() }),
  async loadState(view: ReadView): Promise<OrdersState> {
    const state: OrdersState = { open: new Map(), userKeys: new Map() };
    for (const orderId of await view.smembers(orderKeys.open)) {
      const h = await view.hgetall(orderKeys.order(orderId));
      state.open.set(orderId, {
        userId: h.userId!, symbol: h.symbol!, side: h.side!, status: h.status as OrderStatus, listMember: h.listMember!,
        key: orderKeys.order(orderId), keys: userKeysOf(state, h.userId!),
      });
    }
    return state;
  },
  apply(state, event) {
    const writes: WriteOp[] = [];
    switch (event.type) {
      case 'OrderPlaced': {
        const orderId = field(event, 'orderId');
        if (state.open.has(orderId)) throw impossible(event, `order ${orderId} placed twice`);
        const d = event.data;
        const userId = field(event, 'userId');
        const listMember = logOrderMember(event.position, orderId);
        const order: OpenOrder = { userId, symbol: field(event, 'symbol'), side: field(event, 'side'), status: 'PENDING', listMember, key: orderKeys.order(orderId), keys: userKeysOf(state, userId) };
        state.open.set(orderId, order);
        writes.push(
          write.hset(order.key, {
            id: orderId, userId, clientOrderId: field(event, 'clientOrderId'), symbol: order.symbol, side: order.side, type: field(event, 'type'),
            timeInForce: field(event, 'timeInForce'), price: text(d.price), quantity: field(event, 'qty'), filledQuantity: '0', averageFillPrice: '',
            status: 'PENDING', intent: '', reduceOnly: String(d.reduceOnly === true), fee: '0', rejectReason: '', expireReason: '',
            createdAt: occurredAt(event), listMember,
          }),
          write.zadd(order.keys.byUser, 0, listMember),
          write.zadd(order.keys.byStatus.PENDING, 0, listMember),
          write.set(orderKeys.byClientId(userId, field(event, 'clientOrderId')), orderId),
          write.sadd(orderKeys.open, orderId),
        );
        break;
      }
      case 'OrderAccepted': {
        const [orderId, order] = openOrder(state, event);
        if (order.status !== 'PENDING') throw impossible(event, `order ${orderId} accepted while ${order.status}`);
        writes.push(write.hset(order.key, { intent: field(event, 'intent') }));
        moveStatus(writes, order, 'NEW');
        break;
      }
      case 'OrderRejected': {
        const [orderId, order] = openOrder(state, event);
        if (order.status !== 'PENDING') throw impossible(event, `order ${orderId} rejected while ${order.status}`);
        writes.push(write.hset(order.key, { rejectReason: field(event, 'reason') }));
        end(state, writes, orderId, order, 'REJECTED');
        break;
      }
      case 'OrderPartiallyFilled':
      case 'OrderFilled': {
        const [orderId, order] = openOrder(state, event);
        if (order.status !== 'NEW' && order.status !== 'PARTIALLY_FILLED') throw impossible(event, `fill of order ${orderId} while ${order.status}`);
        writes.push(
          write.hset(order.key, {
            filledQuantity: field(event, 'filledQty'), averageFillPrice: field(event, 'averageFillPrice'), fee: field(event, 'feeTotal'),
          }),
        );
        const fill: FillModel = {
          tradeId: field(event, 'tradeId'), orderId, symbol: order.symbol, side: order.side, price: field(event, 'price'), quantity: field(event, 'qty'),
          fee: field(event, 'fee'), liquidity: field(event, 'liquidity'), executedAt: occurredAt(event),
        };
        writes.push(write.zadd(order.keys.fills, 0, logOrderMember(event.position, member(fill))));
        if (event.type === 'OrderFilled') end(state, writes, orderId, order, 'FILLED');
        else if (order.status !== 'PARTIALLY_FILLED') moveStatus(writes, order, 'PARTIALLY_FILLED');
        break;
      }
      case 'OrderCancelled':
      case 'OrderExpired': {
        const [orderId, order] = openOrder(state, event);
        if (order.status !== 'NEW' && order.status !== 'PARTIALLY_FILLED') throw impossible(event, `order ${orderId} ends while ${order.status}`);
        if (event.type === 'OrderExpired') writes.push(write.hset(order.key, { expireReason: field(event, 'reason') }));
        end(state, writes, orderId, order, event.type === 'OrderCancelled' ? 'CANCELLED' : 'EXPIRED');
        break;
      }
      default:
        // OrderCancelRequested changes no field of the model
        break;
    }
    return { state, writes };
  },
};
