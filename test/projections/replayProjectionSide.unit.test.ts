import test from 'ava';
import type { RecordedEvent } from '../../eventstore/port.js';
import type { Projection } from '../../projections/runner/projection.js';
import { MemoryReadStore } from '../../projections/store/memory.js';
import type { WriteOp } from '../../projections/store/port.js';
import { ProjectionFold } from '../../scripts/replay/projectionSide.js';

/** each event writes `keys` keys of its own: a few events hold more writes than one store batch */
function wide(keys: number): Projection<null> {
  return {
    name: 'wide',
    version: 1,
    initialState: () => null,
    loadState: async () => null,
    apply: (state, event) => {
      const writes: WriteOp[] = [];
      for (let i = 0; i < keys; i++) writes.push({ op: 'hset', key: `k:${event.position}:${i}`, fields: { at: event.position } });
      return { state, writes };
    },
  };
}

function event(position: string): RecordedEvent {
  return { id: '00000000-0000-4000-8000-000000000001', type: 'Thing', stream: 'thing-1', revision: 0, position, data: {}, metadata: {}, created: '2026-01-01T00:00:00.000Z' };
}

test('a flush never holds more writes than one store batch: every write is committed, the checkpoint at the last event', async (t) => {
  const readModels = new MemoryReadStore();
  const fold = new ProjectionFold([wide(20_000)], (name, version, writes, position) => readModels.applyBatch(name, version, writes, position));
  // as the fold's loops drive it: a flush whenever one is due, and one at the end
  const positions = ['10', '20', '30', '40', '50'];
  for (const [i, position] of positions.entries()) {
    fold.apply(event(position), i + 1);
    if (fold.flushDue) await fold.flush(position);
  }
  await fold.flush('50');
  const model = await readModels.exportVersion('wide', 1);
  t.is(Object.keys(model).length, 100_000);
  t.is(await readModels.checkpoint('wide', 1), '50');
});
