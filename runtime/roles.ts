import { ConfigError, type Config } from './config.js';
import type { EventStore } from '../eventstore/port.js';
import { openEventStore } from './eventStoreFactory.js';
import { ROLES, createRuntime, type Role, type Runtime } from './runtime.js';

/**
 * Process roles (`--role`): one process runs everything by default; against EventStoreDB each
 * part can run alone — `workflows` (exactly one process: it is the single writer of positions,
 * accounts and the insurance fund), `matching` (one per set of symbols; today: all listed),
 * `api` (stateless, any number). Several roles: `--role=api,matching` or the ROLE variable.
 */
export function parseRoles(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Role[] {
  const values: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--role') values.push(argv[++i] ?? '');
    else if (arg.startsWith('--role=')) values.push(arg.slice('--role='.length));
  }
  if (values.length === 0 && env.ROLE) values.push(env.ROLE);
  const roles = values.flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v.length > 0);
  if (roles.length === 0) return ['all'];
  for (const role of roles) {
    if (!(ROLES as readonly string[]).includes(role)) throw new ConfigError(`--role must be one of ${ROLES.join(', ')}, got ${JSON.stringify(role)}`);
  }
  return roles as Role[];
}

export interface StartedRoles {
  runtime: Runtime;
  description: string;
  stop(): Promise<void>;
}

/** true when `roles` leave a part of the exchange to other processes */
export function isPartial(roles: readonly Role[]): boolean {
  return !roles.includes('all');
}

/**
 * The other processes reach the log only through a shared store: the embedded store is one
 * process's files, so a part started alone on it would never meet the rest.
 */
export function requireSharedStoreFor(config: Config, roles: readonly Role[]): void {
  if (isPartial(roles) && !config.eventStoreUrl) {
    throw new ConfigError(`--role ${roles.join(',')} needs a shared store: set EVENTSTORE_URL (the embedded store belongs to one process; without EVENTSTORE_URL run --role all)`);
  }
}

/** true when the process serves the API (GraphQL, read models): `all` or `api` */
export function servesApi(roles: readonly Role[]): boolean {
  return roles.includes('all') || roles.includes('api');
}

/** The runtime of `roles` on `store`, configured from the process configuration (failures go to `log`). */
export function createRuntimeFor(config: Config, store: EventStore, roles: Role[], log: (line: string) => void): Promise<Runtime> {
  if (config.workflowsThread && (roles.includes('all') || roles.includes('workflows'))) log('workflows: in their own thread (WORKFLOWS_THREAD)');
  return createRuntime({
    store,
    dataDir: config.dataDir,
    roles,
    remoteStore: config.eventStoreUrl !== undefined,
    workflowsThread: config.workflowsThread,
    onError: (error, where) => log(`${where}: ${(error as Error)?.stack ?? String(error)}`),
  });
}

/** Opens the configured store and starts the given roles on it, without the API (a worker process). */
export async function startRoles(config: Config, roles: Role[], log: (line: string) => void): Promise<StartedRoles> {
  requireSharedStoreFor(config, roles);
  const { store, description } = await openEventStore(config, log);
  let runtime: Runtime;
  try {
    runtime = await createRuntimeFor(config, store, roles, log);
  } catch (error) {
    await store.close();
    throw error;
  }
  return {
    runtime,
    description,
    async stop() {
      await runtime.stop();
      await store.close();
    },
  };
}
