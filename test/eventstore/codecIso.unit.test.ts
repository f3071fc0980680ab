import test from 'ava';
import { isoOf } from '../../eventstore/embedded/codec.js';
import { mulberry32 } from '../../matching/workload/prng.js';

test('isoOf formats like Date#toISOString at second, millisecond and range edges', (t) => {
  const edges = [0, 1, 9, 10, 99, 100, 999, 1000, 1001, 59_999, 60_000, 86_399_999, 951_782_400_000, 1_764_000_000_123, 253_402_300_799_999, 253_402_300_800_000, -1, -1001, 1.5, 8.64e15];
  for (const ms of edges) t.is(isoOf(ms), new Date(ms).toISOString(), String(ms));
});

test('isoOf formats like Date#toISOString for random instants, repeated seconds included', (t) => {
  const random = mulberry32(7);
  let base = 1_764_000_000_000;
  for (let i = 0; i < 20_000; i++) {
    base += Math.floor(random() * 1500);
    t.is(isoOf(base), new Date(base).toISOString());
  }
});
