import http from 'node:http';
import { ConfigError, loadConfig } from './config.js';
import { openEventStore } from './eventStoreFactory.js';

/**
 * `npm start`: opens the event store and serves GET /health until SIGTERM/SIGINT.
 * Later issues wire matching, workflows, projections and GraphQL into this composition root.
 */
async function main(): Promise<void> {
  const log = (line: string) => process.stdout.write(`${new Date().toISOString()} ${line}\n`);
  const config = loadConfig();
  const { store, description } = await openEventStore(config, log);
  log(`event store: ${description}`);

  const server = http.createServer((request, response) => {
    if (request.method === 'GET' && request.url?.split('?')[0] === '/health') {
      store.headPosition().then(
        (headPosition) => respond(response, 200, { status: 'ok', headPosition }),
        () => respond(response, 503, { status: 'unavailable' }),
      );
      return;
    }
    respond(response, 404, { error: 'not found' });
  });
  await new Promise<void>((resolve) => server.listen(config.port, resolve));
  const address = server.address();
  log(`listening on port ${typeof address === 'object' && address ? address.port : config.port}`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: shutting down`);
    server.close();
    server.closeAllConnections();
    await store.close();
    log('stopped');
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

function respond(response: http.ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : (error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});
