/**
 * Crash-test child: appends to the embedded store under load and prints one JSON line per
 * acknowledged append. The parent kills it with SIGKILL at a random moment and checks that
 * every acknowledged append survived and no append is half visible.
 *
 * argv: <log dir> <writers>
 */
import { randomUUID } from 'node:crypto';
import { openEmbeddedStore } from '../../../eventstore/embedded/index.js';
import { ANY } from '../../../eventstore/port.js';

const [dir, writersArg] = process.argv.slice(2);
const writers = Number(writersArg ?? 8);
const store = await openEmbeddedStore({ dir: dir!, segmentBytes: 256 * 1024 });
process.stdout.write(`${JSON.stringify({ ready: true, records: store.stats().records })}\n`);

await Promise.all(
  Array.from({ length: writers }, async (_, w) => {
    for (let seq = 0; ; seq++) {
      const size = 1 + ((seq * 7 + w) % 5);
      const appendId = randomUUID();
      const events = Array.from({ length: size }, (_, i) => ({
        id: randomUUID(),
        type: 'CrashTested',
        data: { appendId, i, of: size, pad: 'x'.repeat((seq * 131) % 900) },
        metadata: {},
      }));
      const result = await store.append(`crash-w${w}`, events, ANY);
      process.stdout.write(`${JSON.stringify({ stream: `crash-w${w}`, appendId, ids: events.map((e) => e.id), nextRevision: result.nextRevision, position: result.position })}\n`);
    }
  }),
);
