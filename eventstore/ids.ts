import { v5 as uuidv5 } from 'uuid';

/** Fixed namespace of this exchange's deterministic ids (a random v4 chosen once). */
export const EXCHANGE_NAMESPACE = '3f6c2a4e-8d1b-4c7e-9a55-1e2f0b7d6c93';

/** DESIGN §3.3: event id = UUID v5 of stream + idempotency key + index within the append. */
export function deterministicEventId(stream: string, idempotencyKey: string, index: number): string {
  return uuidv5(`${stream}\u0000${idempotencyKey}\u0000${index}`, EXCHANGE_NAMESPACE);
}

/** DESIGN §5: orderId = UUID v5 of userId + clientOrderId, so a retried request is the same order. */
export function orderIdFor(userId: string, clientOrderId: string): string {
  return uuidv5(`order\u0000${userId}\u0000${clientOrderId}`, EXCHANGE_NAMESPACE);
}

export function deterministicId(...parts: string[]): string {
  return uuidv5(parts.join('\u0000'), EXCHANGE_NAMESPACE);
}
