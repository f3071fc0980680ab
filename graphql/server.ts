import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { App } from './app.js';

export interface RunningServer {
  port: number;
  /** http://127.0.0.1:{port} */
  origin: string;
  close(): Promise<void>;
}

/** The app on node:http. `close` ends open SSE streams too, so a shutdown never hangs on a subscriber. */
export async function serveHttp(app: App, port: number, host?: string): Promise<RunningServer> {
  const server = http.createServer(app);
  // bounded request handling: a slow client cannot hold a socket forever
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    port: actual,
    origin: `http://127.0.0.1:${actual}`,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
