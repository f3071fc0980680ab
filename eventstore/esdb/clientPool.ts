import { EventStoreDBClient } from '@eventstore/db-client';

/**
 * One client per connection string per process, disposed when its last user releases it.
 *
 * The 6.x client keeps BatchAppend's pending results in a module-wide map, and disposing any
 * client cancels its BatchAppend stream, whose error handler rejects every pending append in
 * that map — other clients' included, whose late replies then hit a missing entry and throw.
 * Sharing the client and disposing it only when no adapter uses it keeps that from happening
 * between adapters of one process (tests open many; the app opens one).
 */
const pool = new Map<string, { client: EventStoreDBClient; users: number; disposing?: Promise<void> }>();

export function acquireClient(connectionString: string): EventStoreDBClient {
  const entry = pool.get(connectionString);
  if (entry) {
    entry.users += 1;
    return entry.client;
  }
  const client = EventStoreDBClient.connectionString(connectionString);
  pool.set(connectionString, { client, users: 1 });
  return client;
}

export async function releaseClient(connectionString: string, client: EventStoreDBClient): Promise<void> {
  const entry = pool.get(connectionString);
  if (!entry || entry.client !== client) return;
  entry.users -= 1;
  if (entry.users > 0) return;
  pool.delete(connectionString);
  await client.dispose();
}
