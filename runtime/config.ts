/** Process configuration from the environment (README "Configuration"). */
export interface Config {
  port: number;
  dataDir: string;
  eventStoreUrl?: string;
  redisUrl?: string;
  adminApiKey?: string;
  production: boolean;
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
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
