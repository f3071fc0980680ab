import { InvalidStreamName } from './errors.js';

/**
 * Stream names are `category-id` (DESIGN §3.4): a dash-free camelCase category, then an id that
 * may itself hold dashes (symbols such as BTC-PERP), underscores, dots and colons. Validated here,
 * above the adapters, so every adapter accepts exactly the same names.
 */
const CATEGORY = /^[a-z][A-Za-z0-9]*$/;
const ID = /^[A-Za-z0-9][A-Za-z0-9_.:\-]*$/;
export const MAX_STREAM_NAME_LENGTH = 200;

export function assertValidStreamName(stream: string): void {
  if (typeof stream !== 'string' || stream.length === 0) throw new InvalidStreamName(String(stream), 'empty');
  if (stream.length > MAX_STREAM_NAME_LENGTH) throw new InvalidStreamName(stream, `longer than ${MAX_STREAM_NAME_LENGTH}`);
  const dash = stream.indexOf('-');
  if (dash <= 0) throw new InvalidStreamName(stream, 'expected category-id');
  if (!CATEGORY.test(stream.slice(0, dash))) throw new InvalidStreamName(stream, 'category must be dash-free camelCase');
  if (!ID.test(stream.slice(dash + 1))) throw new InvalidStreamName(stream, 'id has invalid characters');
}

export function categoryOf(stream: string): string {
  const dash = stream.indexOf('-');
  return dash < 0 ? stream : stream.slice(0, dash);
}

export function idOf(stream: string): string {
  const dash = stream.indexOf('-');
  return dash < 0 ? '' : stream.slice(dash + 1);
}

export const streams = {
  user: (userId: string) => `user-${userId}`,
  instrument: (symbol: string) => `instrument-${symbol}`,
  transfer: (txId: string) => `transfer-${txId}`,
  order: (orderId: string) => `order-${orderId}`,
  position: (userId: string, symbol: string) => `position-${userId}_${symbol}`,
  insurancePosition: (symbol: string) => `position-insurance_${symbol}`,
  account: (userId: string) => `account-${userId}`,
  insurance: (asset: string) => `insurance-${asset}`,
  market: (symbol: string) => `market-${symbol}`,
  /** a leverage change or liquidation request, decided on the position by the workflow runner */
  positionRequest: (userId: string, symbol: string, requestId: string) => `positionRequest-${userId}_${symbol}_${requestId}`,
} as const;
