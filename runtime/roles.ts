import { ConfigError, type Config } from './config.js';
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

/** Opens the configured store and starts the given roles on it (the composition root's entry). */
export async function startRoles(config: Config, roles: Role[], log: (line: string) => void): Promise<StartedRoles> {
  if (!roles.includes('all') && !config.eventStoreUrl) {
    throw new ConfigError('running a single role needs a shared store: set EVENTSTORE_URL (the embedded store belongs to one process)');
  }
  const { store, description } = await openEventStore(config, log);
  const runtime = await createRuntime({
    store,
    dataDir: config.dataDir,
    roles,
    remoteStore: config.eventStoreUrl !== undefined,
    onError: (error, where) => log(`${where}: ${(error as Error)?.stack ?? String(error)}`),
  });
  return {
    runtime,
    description,
    async stop() {
      await runtime.stop();
      await store.close();
    },
  };
}
