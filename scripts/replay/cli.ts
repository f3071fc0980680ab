/**
 * `npx tsx scripts/replay.ts [--to <position|ISO time>] [--json] [--compare-live] [--allow-pending]`
 * Exit codes: 0 clean; 1 violations or live differences; 2 bad arguments or unreachable stores.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openEmbeddedStore } from '../../eventstore/embedded/index.js';
import type { EventStore } from '../../eventstore/port.js';
import { allProjections } from '../../projections/index.js';
import { openRedisReadStore } from '../../projections/store/redis/adapter.js';
import type { ReadStore } from '../../projections/store/port.js';
import { compareWithLive } from './compare.js';
import { foldLog } from './fold.js';
import { buildReport, humanReport } from './report.js';
import { BadReplayArgument, resolveTarget } from './target.js';

export interface ReplayIo {
  env: NodeJS.ProcessEnv;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** a progress line may be redrawn in place */
  isTty: boolean;
  /** injected by tests; otherwise opened from EVENTSTORE_URL / DATA_DIR */
  eventStore?: EventStore;
  liveReadStore?: ReadStore;
}

async function openStore(env: NodeJS.ProcessEnv): Promise<EventStore> {
  if (env.EVENTSTORE_URL) {
    const { createEsdbEventStore } = await import('../../eventstore/esdb/store.js');
    return createEsdbEventStore({ connectionString: env.EVENTSTORE_URL });
  }
  return openEmbeddedStore({ dir: path.resolve(env.DATA_DIR || './data', 'events') });
}

export async function runReplay(argv: readonly string[], io: ReplayIo): Promise<number> {
  let args;
  try {
    args = parseArgs({ args: [...argv], options: { to: { type: 'string' }, json: { type: 'boolean' }, 'compare-live': { type: 'boolean' }, 'allow-pending': { type: 'boolean' } }, strict: true });
  } catch (error) {
    io.stderr(`replay: ${(error as Error).message}\n`);
    return 2;
  }
  const { values } = args;
  const store = io.eventStore ?? (await openStore(io.env));
  let live: ReadStore | undefined = io.liveReadStore;
  try {
    if (values['compare-live'] && !live) {
      if (!io.env.REDIS_URL) throw new BadReplayArgument('--compare-live needs REDIS_URL (the live read store)');
      live = await openRedisReadStore({ url: io.env.REDIS_URL });
    }
    const started = performance.now();
    const to = values.to === undefined ? undefined : await resolveTarget(store, values.to);
    const result = await foldLog(store, {
      ...(to === undefined ? {} : { to }),
      allowPendingAtEnd: values['allow-pending'] === true,
      onProgress: ({ events, position }) => {
        if (io.isTty) io.stderr(`\rreplay: ${events.toLocaleString('en')} events, position ${position}, ${Math.round(events / ((performance.now() - started) / 1000)).toLocaleString('en')} events/s   `);
      },
    });
    if (io.isTty) io.stderr('\n');
    const versions = Object.fromEntries(allProjections.map((p) => [p.name, p.version]));
    const compare = values['compare-live'] && live ? await compareWithLive(result.models, versions, live) : null;
    const report = buildReport(result, compare, Math.round(performance.now() - started));
    io.stdout(values.json ? `${JSON.stringify(report)}\n` : `${humanReport(report)}\n`);
    return report.ok ? 0 : 1;
  } catch (error) {
    io.stderr(`replay: ${(error as Error).name}: ${(error as Error).message}\n`);
    return 2;
  } finally {
    if (!io.eventStore) await store.close();
    if (live && !io.liveReadStore) await live.close();
  }
}
