/** Process configuration from the environment (README "Configuration"). */
export interface Config {
  port: number;
  dataDir: string;
  eventStoreUrl?: string;
  redisUrl?: string;
  adminApiKey?: string;
  production: boolean;
  /** WORKFLOWS_THREAD=1: the workflow runner in a worker thread (the second core) of this process */
  workflowsThread?: boolean;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const portText = env.PORT ?? '4000';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`PORT must be an integer 0..65535, got ${JSON.stringify(portText)}`);
  const eventStoreUrl = nonEmpty(env.EVENTSTORE_URL);
  if (eventStoreUrl && !/^(esdb|esdb\+discover|kurrentdb|kdb):\/\//.test(eventStoreUrl)) {
    throw new ConfigError(`EVENTSTORE_URL must be an esdb:// connection string, got ${JSON.stringify(eventStoreUrl)}`);
  }
  const redisUrl = nonEmpty(env.REDIS_URL);
  if (redisUrl && !/^rediss?:\/\//.test(redisUrl)) throw new ConfigError(`REDIS_URL must be a redis:// URL, got ${JSON.stringify(redisUrl)}`);
  return {
    port,
    dataDir: nonEmpty(env.DATA_DIR) ?? './data',
    eventStoreUrl,
    redisUrl,
    adminApiKey: nonEmpty(env.ADMIN_API_KEY),
    production: env.NODE_ENV === 'production',
    workflowsThread: flag(env.WORKFLOWS_THREAD, 'WORKFLOWS_THREAD'),
  };
}

function flag(value: string | undefined, name: string): boolean {
  const text = nonEmpty(value);
  if (text === undefined || text === '0' || text === 'false') return false;
  if (text === '1' || text === 'true') return true;
  throw new ConfigError(`${name} must be 1/true or 0/false, got ${JSON.stringify(text)}`);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
