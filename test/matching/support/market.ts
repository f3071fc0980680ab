/** Checks of the market stream against the WAL: the transactional-outbox guarantee. */
import type { ExecutionContext } from 'ava';
import { StreamNotFound } from '../../../eventstore/errors.js';
import type { EventStore, RecordedEvent } from '../../../eventstore/port.js';
import { FastBook } from '../../../matching/book/fast-book.js';
import { marketAppendOf } from '../../../matching/engine/events.js';
import { InstrumentGrid } from '../../../matching/engine/instrument.js';
import { recoverEngine } from '../../../matching/engine/recovery.js';
import { INSTRUMENT, SYMBOL } from './flow.js';

export async function readMarket(store: EventStore): Promise<RecordedEvent[]> {
  try {
    return await store.readStream(`market-${SYMBOL}`);
  } catch (error) {
    if (error instanceof StreamNotFound) return [];
    throw error;
  }
}

/**
 * The market stream holds every committed WAL entry's events exactly once, in entry order, each
 * entry at the revision its WAL record names; and a fresh full replay of the WAL equals `stateHash`.
 */
export async function assertMarketMatchesWal(t: ExecutionContext, store: EventStore, engineDir: string, stateHash?: string): Promise<{ entries: number; events: number }> {
  const wal = await recoverEngine({ dir: engineDir, symbol: SYMBOL, createBook: () => new FastBook(), useSnapshots: false, repair: false, collectFromSeq: 1 });
  const grid = new InstrumentGrid(INSTRUMENT);
  const market = await readMarket(store);
  const expected = wal.collected.flatMap((entry) => {
    if (entry.outputs.length === 0) return [];
    const events = marketAppendOf(entry, grid);
    return events.map((e, i) => ({ ...e, revision: entry.expectedMarketRevision + 1 + i }));
  });
  t.is(market.length, expected.length, 'one market event per committed output, no more, no less');
  const mismatch = market.findIndex((e, i) => {
    const x = expected[i];
    return x === undefined || e.id !== x.id || e.type !== x.type || e.revision !== x.revision || JSON.stringify(e.data) !== JSON.stringify(x.data);
  });
  t.is(mismatch, -1, mismatch >= 0 ? `first difference at revision ${mismatch}: ${JSON.stringify(market[mismatch])} vs ${JSON.stringify(expected[mismatch])}` : 'in order');
  t.is(new Set(market.map((e) => e.id)).size, market.length, 'no event twice');
  const seqs = market.filter((e) => e.type === 'TradeExecuted').map((e) => e.data['seq'] as number);
  t.deepEqual(seqs, seqs.map((_, i) => i + 1), 'trade sequence 1, 2, 3, … without gaps');
  if (stateHash !== undefined) t.is(wal.core.stateHash(), stateHash, 'the engine state equals a fresh replay of the WAL');
  return { entries: wal.collected.length, events: market.length };
}
