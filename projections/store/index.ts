/** The ReadStore adapters and the rule that picks one: Redis when REDIS_URL is set, else memory. */
import { createMemoryReadStore } from './memory.js';
import { openRedisReadStore } from './redis/adapter.js';
import type { ReadStore } from './port.js';

export type { ApplyResult, DumpValue, ReadStore, ReadView, WriteBatch, WriteOp, ZEntry } from './port.js';
export { write } from './ops.js';
export { Deferred, type FieldValue } from './deferred.js';
export { logOrderMember, idOfLogOrderMember } from './keys.js';
export * from './errors.js';
export { createMemoryReadStore, MemoryReadStore } from './memory.js';
export { openRedisReadStore, RedisReadStore } from './redis/adapter.js';

export async function openReadStore(options: { redisUrl?: string | undefined; onConnectionError?: (error: Error) => void } = {}): Promise<ReadStore> {
  if (options.redisUrl) return openRedisReadStore({ url: options.redisUrl, ...(options.onConnectionError ? { onConnectionError: options.onConnectionError } : {}) });
  return createMemoryReadStore();
}
