import { validatePlaceOrder } from '../../domain/order/validate.js';
import type { PlaceOrderInput as DomainOrderInput } from '../../domain/order/types.js';
import type { InstrumentInput } from '../../domain/instrument/types.js';
import { DomainError } from '../../domain/shared/errors.js';
import { INSURANCE_USER_ID } from '../../domain/position/index.js';
import { requireAdmin, requireUser } from '../access.js';
import { generateApiKey, hashApiKey } from '../auth.js';
import type { ApiContext } from '../context.js';
import { notFound } from '../errors.js';
import type { OrderView } from '../views.js';
import { awaitCancelledOrder, awaitPlacedOrder, settle } from '../waits.js';
import { noAuditYet, type AccountParent } from './account.js';

/** PlaceOrderInput as the contract names it */
export interface PlaceOrderArgs {
  symbol: string;
  side: 'BUY' | 'SELL';
  type: 'LIMIT' | 'MARKET';
  timeInForce?: 'GTC' | 'IOC' | 'FOK' | 'POST_ONLY' | null;
  price?: string | null;
  quantity: string;
  reduceOnly?: boolean | null;
  clientOrderId?: string | null;
}

function toCommand(input: PlaceOrderArgs): DomainOrderInput & { clientOrderId?: string | null } {
  return {
    symbol: input.symbol,
    side: input.side,
    type: input.type,
    timeInForce: input.timeInForce ?? 'GTC',
    price: input.price ?? null,
    qty: input.quantity,
    reduceOnly: input.reduceOnly ?? false,
    clientOrderId: input.clientOrderId ?? null,
  };
}

const deadlineIn = (ms: number) => Date.now() + ms;

/**
 * The order PENDING, as placed: what placeOrder answers when the bounded wait ran out before
 * the read models showed it at all (DESIGN §5).
 */
async function pendingOrder(context: ApiContext, userId: string, orderId: string, clientOrderId: string, input: DomainOrderInput): Promise<OrderView> {
  const instrument = await context.deps.reads.instrument(input.symbol);
  const valid = validatePlaceOrder(input, instrument ?? undefined);
  return {
    id: orderId,
    userId,
    clientOrderId,
    symbol: valid.symbol,
    side: valid.side,
    type: valid.type,
    timeInForce: valid.timeInForce,
    price: valid.price,
    quantity: valid.qty,
    filledQuantity: '0',
    averageFillPrice: null,
    status: 'PENDING',
    intent: null,
    reduceOnly: valid.reduceOnly,
    fee: '0',
    rejectReason: null,
    createdAt: new Date().toISOString(),
  };
}

async function positionOrNotFound(context: ApiContext, userId: string, symbol: string) {
  const position = await context.deps.reads.position(userId, symbol);
  if (!position) throw notFound(`instrument ${symbol}`);
  return position;
}

export const mutationResolvers = {
  Mutation: {
    async createUser(_: unknown, { name }: { name: string }, context: ApiContext) {
      requireAdmin(context);
      // the key is shown once, here; only its hash is stored (UserRegistered)
      const apiKey = generateApiKey();
      const { userId, position } = await context.deps.commands.createUser({ name, apiKeyHash: hashApiKey(apiKey) });
      // the users read model authenticates the key: it must know it before the key is handed out
      await settle(context.deps, position, deadlineIn(context.deps.waits.mutationMs));
      return { userId, apiKey };
    },

    async createInstrument(_: unknown, { input }: { input: InstrumentInput }, context: ApiContext) {
      requireAdmin(context);
      const { instrument, position } = await context.deps.commands.createInstrument(input);
      await settle(context.deps, position, deadlineIn(context.deps.waits.mutationMs));
      const listed = await context.deps.reads.instrument(instrument.symbol);
      // an existing symbol with other parameters is CONFLICT in the command itself
      if (!listed) throw new Error(`instrument ${instrument.symbol} was listed but is not in the read model in time`);
      return listed;
    },

    async deposit(_: unknown, args: { userId: string; asset: string; amount: string; txId: string }, context: ApiContext): Promise<AccountParent> {
      requireAdmin(context);
      const { position } = await context.deps.commands.deposit(args.userId, args.asset, args.amount, args.txId);
      await settle(context.deps, position, deadlineIn(context.deps.waits.mutationMs));
      return { userId: args.userId };
    },

    async withdraw(_: unknown, args: { asset: string; amount: string; requestId: string }, context: ApiContext): Promise<AccountParent> {
      const userId = requireUser(context);
      const { position } = await context.deps.commands.withdraw(userId, args.asset, args.amount, args.requestId);
      await settle(context.deps, position, deadlineIn(context.deps.waits.mutationMs));
      return { userId };
    },

    async placeOrder(_: unknown, { input }: { input: PlaceOrderArgs }, context: ApiContext): Promise<OrderView> {
      const userId = requireUser(context);
      const command = toCommand(input);
      const placed = await context.deps.commands.placeOrder(userId, command);
      const order = await awaitPlacedOrder(context.deps, placed.orderId, placed.position, deadlineIn(context.deps.waits.orderMs));
      return order ?? pendingOrder(context, userId, placed.orderId, placed.clientOrderId, command);
    },

    async placeInsuranceOrder(_: unknown, { input }: { input: PlaceOrderArgs }, context: ApiContext): Promise<OrderView> {
      requireAdmin(context);
      // the insurance account only trades out of what it took over: always reduce-only
      const { reduceOnly: _ignored, ...command } = toCommand(input);
      const placed = await context.deps.commands.placeInsuranceOrder(command);
      const order = await awaitPlacedOrder(context.deps, placed.orderId, placed.position, deadlineIn(context.deps.waits.orderMs));
      return order ?? pendingOrder(context, INSURANCE_USER_ID, placed.orderId, placed.clientOrderId, { ...command, reduceOnly: true });
    },

    async cancelOrder(_: unknown, { orderId }: { orderId: string }, context: ApiContext): Promise<OrderView> {
      const userId = requireUser(context);
      let cancelled: Awaited<ReturnType<typeof context.deps.commands.cancelOrder>>;
      try {
        cancelled = await context.deps.commands.cancelOrder(userId, orderId);
      } catch (error) {
        // one answer, word for word, for a missing order and for another user's (no existence leak)
        if (error instanceof DomainError && error.code === 'NOT_FOUND') throw notFound(`order ${orderId}`);
        throw error;
      }
      const order = await awaitCancelledOrder(context.deps, orderId, cancelled.position, deadlineIn(context.deps.waits.orderMs));
      if (!order || order.userId !== userId) throw notFound(`order ${orderId}`);
      return order;
    },

    async setLeverage(_: unknown, args: { symbol: string; leverage: number }, context: ApiContext) {
      const userId = requireUser(context);
      const { position } = await context.deps.commands.setLeverage(userId, args.symbol, args.leverage);
      await settle(context.deps, position, deadlineIn(context.deps.waits.mutationMs));
      return positionOrNotFound(context, userId, args.symbol);
    },

    async setMarkPrice(_: unknown, args: { symbol: string; price: string }, context: ApiContext) {
      requireAdmin(context);
      const { position } = await context.deps.commands.setMarkPrice(args.symbol, args.price);
      await settle(context.deps, position, deadlineIn(context.deps.waits.mutationMs));
      const instrument = await context.deps.reads.instrument(args.symbol);
      if (!instrument) throw notFound(`instrument ${args.symbol}`);
      return instrument;
    },

    async liquidate(_: unknown, args: { userId: string; symbol: string; price: string }, context: ApiContext) {
      requireAdmin(context);
      if (!(await context.deps.commands.userExists(args.userId))) throw notFound(`user ${args.userId}`);
      const { position } = await context.deps.commands.liquidate(args.userId, args.symbol, args.price);
      await settle(context.deps, position, deadlineIn(context.deps.waits.mutationMs));
      return positionOrNotFound(context, args.userId, args.symbol);
    },

    async fundInsurance(_: unknown, args: { asset: string; amount: string; txId: string }, context: ApiContext) {
      requireAdmin(context);
      const { position } = await context.deps.commands.fundInsurance(args.asset, args.amount, args.txId);
      await settle(context.deps, position, deadlineIn(context.deps.waits.mutationMs));
      return {};
    },

    async runReserveAudit(_: unknown, __: unknown, context: ApiContext) {
      requireAdmin(context);
      return context.deps.reserves ? context.deps.reserves.runAudit() : noAuditYet();
    },
  },
};
