import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DomainError } from '../domain/shared/errors.js';
import type { InstrumentInput } from '../domain/instrument/types.js';
import { readFileIfExists, writeFileAtomic } from '../eventstore/atomicFile.js';
import type { EventStore, Position } from '../eventstore/port.js';
import { createApp } from '../graphql/app.js';
import { API_KEY_PREFIX, hashApiKey } from '../graphql/auth.js';
import { MarketAcknowledgements } from '../graphql/orderAcks.js';
import type { Progress } from '../graphql/ports.js';
import { startPublisher } from '../graphql/publisher.js';
import { createMemoryPubSub } from '../graphql/pubsub/memory.js';
import type { ApiPubSub } from '../graphql/pubsub/port.js';
import { createRedisPubSub } from '../graphql/pubsub/redis.js';
import { readModelsFrom } from '../graphql/readModels.js';
import { serveHttp, type RunningServer } from '../graphql/server.js';
import { allProjections, createQueries } from '../projections/index.js';
import { createReserveService } from '../scripts/por/service.js';
import { createProjectionRunner, WaitTimeout, type ProjectionRunner } from '../projections/runner/index.js';
import { openReadStore, type ReadStore } from '../projections/store/index.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { openEventStore } from './eventStoreFactory.js';
import { createRuntimeFor, parseRoles, requireSharedStoreFor, servesApi, startRoles } from './roles.js';
import type { Role, Runtime } from './runtime.js';

/** The two instruments a fresh exchange lists on its first start (README "Walkthrough" uses them). */
export const DEMO_INSTRUMENTS: readonly InstrumentInput[] = [
  {
    symbol: 'BTC-PERP', quoteAsset: 'USDT', contractSize: '0.001', tickSize: '0.1', lotSize: '1',
    makerFeeRate: '0.0002', takerFeeRate: '0.0005', initialMarginRate: '0.01', maintenanceMarginRate: '0.005',
    maxLeverage: 100, defaultLeverage: 10, marketProtection: '0.05',
  },
  {
    symbol: 'ETH-PERP', quoteAsset: 'USDT', contractSize: '0.01', tickSize: '0.01', lotSize: '1',
    makerFeeRate: '0.0002', takerFeeRate: '0.0005', initialMarginRate: '0.02', maintenanceMarginRate: '0.01',
    maxLeverage: 50, defaultLeverage: 10, marketProtection: '0.05',
  },
];

export interface MainJob {
  server: RunningServer;
  runtime: Runtime;
  store: EventStore;
  readStore: ReadStore;
  projections: ProjectionRunner;
  pubsub: ApiPubSub;
  /** the admin key when this start generated it (printed once), else undefined */
  generatedAdminKey: string | undefined;
  stop(): Promise<void>;
}

const ADMIN_KEY_FILE = 'admin-key.sha256';

/**
 * The main job (`npm start`, DESIGN §1): the event store (embedded under DATA_DIR, or
 * EventStoreDB), the runtime (matching engines, workflows, command API), every projection into
 * the read store (memory, or Redis), and the GraphQL API with its subscriptions, on PORT.
 * Restarts resume from disk: checkpoints, WALs and the log; in-memory read models rebuild.
 * `roles` other than all (EventStoreDB only) run the API with just those runtime parts.
 */
export async function startMainJob(config: Config, log: (line: string) => void, roles: Role[] = ['all']): Promise<MainJob> {
  requireSharedStoreFor(config, roles);
  if (!servesApi(roles)) throw new ConfigError(`the main job serves the API: roles ${roles.join(',')} run with startRoles`);
  const stack: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stack.reverse()) await stop().catch((error: Error) => log(`shutdown: ${error.message}`));
  };
  try {
    const { store, description } = await openEventStore(config, log);
    stack.push(() => store.close());
    log(`event store: ${description}`);

    const admin = await adminKeyHash(config, log);

    const runtime = await createRuntimeFor(config, store, roles, log);
    stack.push(() => runtime.stop());

    const readStore = await openReadStore({ redisUrl: config.redisUrl, onConnectionError: (error) => log(`read store: ${error.message}`) });
    stack.push(() => readStore.close());
    log(`read models: ${readStore.kind}`);
    const projections = createProjectionRunner({
      eventStore: store,
      readStore,
      projections: allProjections,
      onError: (error, info) => log(`projection ${info.projection} v${info.version} (failure ${info.consecutiveFailures}): ${(error as Error).message}`),
      onFailed: (error) => log(error.message),
    });
    await projections.start();
    stack.push(() => projections.stop());
    runtime.system.register(() =>
      projections.status().filter((s) => s.current || !s.rebuilding).map((s) => ({
        name: `projection ${s.name}`,
        processedPosition: s.position,
        busy: !s.caughtUp || s.state !== 'live',
        ...(s.error ? { error: s.error.message } : {}),
      })),
    );

    const pubsub = config.redisUrl ? await createRedisPubSub(config.redisUrl) : createMemoryPubSub();
    stack.push(() => pubsub.close());
    const reads = readModelsFrom(createQueries(readStore));
    const publisher = startPublisher({ onApplied: (listener) => projections.onApplied(listener), reads, pubsub, onError: (error) => log(`publish: ${(error as Error).message}`) });
    stack.push(() => publisher.stop());
    const acks = new MarketAcknowledgements(store);
    await acks.start();
    stack.push(() => acks.stop());

    await listDemoInstruments(runtime, log);

    const app = createApp({
      commands: runtime.exchange,
      reads,
      progress: progressOf(runtime, projections, store),
      acks,
      pubsub,
      adminApiKeyHash: admin.hash,
      production: config.production,
      reserves: createReserveService({ store, dataDir: config.dataDir, log }),
    });
    const server = await serveHttp(app, config.port);
    stack.push(() => server.close());
    log(`listening on port ${server.port} (POST /graphql, GET /health)`);

    let stopping: Promise<void> | undefined;
    return {
      server, runtime, store, readStore, projections, pubsub,
      generatedAdminKey: admin.generated,
      stop: () => (stopping ??= stopAll()),
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

function progressOf(runtime: Runtime, projections: ProjectionRunner, store: EventStore): Progress {
  return {
    status: () => runtime.system.status(),
    headPosition: () => store.headPosition(),
    async readModelsReach(position: Position, timeoutMs: number) {
      try {
        await projections.waitForPosition(position, Math.max(1, timeoutMs));
        return true;
      } catch (error) {
        if (error instanceof WaitTimeout) return false;
        throw error;
      }
    },
    async workflowsReach(position: Position, timeoutMs: number) {
      if (!runtime.workflows) return true;
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
      try {
        return await Promise.race([runtime.workflows.waitFor(position).then(() => true as const), timedOut]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/**
 * The operator's key: ADMIN_API_KEY when given; else generated on the first start and printed
 * once. Only its SHA-256 is kept (DATA_DIR/admin-key.sha256), so a restart accepts the same key
 * without the key itself ever being on disk.
 */
async function adminKeyHash(config: Config, log: (line: string) => void): Promise<{ hash: string; generated: string | undefined }> {
  const file = path.resolve(config.dataDir, ADMIN_KEY_FILE);
  if (config.adminApiKey !== undefined) {
    if (config.adminApiKey.length < 16) throw new ConfigError('ADMIN_API_KEY must be at least 16 characters');
    await persist(file, hashApiKey(config.adminApiKey));
    log('admin key: from ADMIN_API_KEY');
    return { hash: hashApiKey(config.adminApiKey), generated: undefined };
  }
  const stored = (await readFileIfExists(file))?.trim();
  if (stored !== undefined) {
    if (!/^[0-9a-f]{64}$/.test(stored)) throw new ConfigError(`${file} does not hold a SHA-256 hex digest; delete it to generate a new admin key`);
    log(`admin key: as printed on the first start (its hash is in ${file})`);
    return { hash: stored, generated: undefined };
  }
  const key = `${API_KEY_PREFIX}admin_${randomBytes(32).toString('base64url')}`;
  await persist(file, hashApiKey(key));
  log(`admin key (shown once, keep it; set ADMIN_API_KEY to choose your own): ${key}`);
  return { hash: hashApiKey(key), generated: key };
}

async function persist(file: string, hash: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFileAtomic(file, `${hash}\n`, { mode: 0o600 });
}

async function listDemoInstruments(runtime: Runtime, log: (line: string) => void): Promise<void> {
  if (runtime.exchange.listInstruments().length > 0) return;
  for (const input of DEMO_INSTRUMENTS) {
    try {
      await runtime.exchange.createInstrument(input);
      log(`listed demo instrument ${input.symbol}`);
    } catch (error) {
      // another process listed it between the check and the append: it is there either way
      if (!(error instanceof DomainError && error.code === 'CONFLICT')) throw error;
    }
  }
}

/**
 * `npm start [-- --role all|api|matching|workflows[,…]]` (or ROLE): everything in one process
 * by default; against EventStoreDB each part can run alone. Without `api`, the process serves
 * no HTTP: it runs its workflows or matching engines until SIGTERM.
 */
async function main(): Promise<void> {
  const log = (line: string) => process.stdout.write(`${new Date().toISOString()} ${line}\n`);
  const config = loadConfig();
  const roles = parseRoles(process.argv.slice(2));
  const job = servesApi(roles) ? await startMainJob(config, log, roles) : await startWorker(config, roles, log);
  const shutdown = async (signal: string) => {
    log(`${signal}: shutting down`);
    await job.stop();
    log('stopped');
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

async function startWorker(config: Config, roles: Role[], log: (line: string) => void): Promise<{ stop(): Promise<void> }> {
  const started = await startRoles(config, roles, log);
  log(`event store: ${started.description}`);
  log(`running roles ${roles.join(',')} (no API in this process)`);
  return started;
}

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(path.resolve(entry)).href) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof ConfigError ? error.message : (error as Error).stack ?? String(error)}\n`);
    process.exitCode = 1;
  });
}
