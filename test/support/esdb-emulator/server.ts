import { Server, ServerCredentials, type sendUnaryData, type ServerUnaryCall } from '@grpc/grpc-js';
import { serverFeaturesGrpc, serverFeaturesPb, streamsGrpc } from '../../../eventstore/esdb/wire.js';
import type { EventStore } from '../../../eventstore/port.js';
import { DeletionRegistry } from './deletions.js';
import { EsdbSemantics } from './semantics.js';
import { createStreamsService, type ActiveSubscription } from './streamsService.js';

export interface EsdbEmulatorOptions {
  /** the backing store; the emulator does not close it */
  store: EventStore;
  /** 0 (default) picks a free port */
  port?: number;
  /** advertise Streams.BatchAppend in ServerFeatures (default true); false drives the client to plain Append */
  batchAppend?: boolean;
  /** where deletions and tombstones are remembered; in memory when absent */
  deletionsFile?: string;
}

export interface EsdbEmulator {
  readonly port: number;
  /** e.g. esdb://127.0.0.1:40123?tls=false */
  readonly connectionString: string;
  /** ends every live subscription with UNAVAILABLE, as a server restart would */
  dropSubscriptions(reason?: string): void;
  readonly activeSubscriptions: number;
  close(): Promise<void>;
}

const HOST = '127.0.0.1';
const SERVER_VERSION = '23.10.0';
/** above the client's own 17 MiB receive limit and its 3 MiB batch size */
const MAX_MESSAGE_BYTES = 32 * 1024 * 1024;
const SHUTDOWN_GRACE_MS = 2_000;

function methodName(path: string): { service: string; method: string } {
  const [, service, method] = path.split('/');
  return { service: service!.toLowerCase(), method: method!.toLowerCase() };
}

export async function startEsdbEmulator(options: EsdbEmulatorOptions): Promise<EsdbEmulator> {
  const advertiseBatchAppend = options.batchAppend ?? true;
  const subscriptions = new Set<ActiveSubscription>();
  const semantics = new EsdbSemantics(options.store, new DeletionRegistry(options.deletionsFile));
  const server = new Server({
    'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
    'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
    // clients ping while idle (keepAliveInterval); accept that rather than answer GOAWAY
    'grpc.keepalive_permit_without_calls': 1,
  });

  const { StreamsService } = streamsGrpc;
  const streamsImplementation = createStreamsService(semantics, subscriptions);
  if (!advertiseBatchAppend) delete streamsImplementation.batchAppend;
  server.addService(StreamsService, streamsImplementation);

  server.addService(serverFeaturesGrpc.ServerFeaturesService, {
    getSupportedMethods(_call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>) {
      const supported = new serverFeaturesPb.SupportedMethods();
      supported.setEventStoreServerVersion(SERVER_VERSION);
      const paths: string[] = [StreamsService.read.path, StreamsService.append.path, StreamsService.delete.path, StreamsService.tombstone.path];
      if (advertiseBatchAppend) paths.push(StreamsService.batchAppend.path);
      paths.push(serverFeaturesGrpc.ServerFeaturesService.getSupportedMethods.path);
      for (const path of paths) {
        const { service, method } = methodName(path);
        const entry = new serverFeaturesPb.SupportedMethod();
        entry.setServiceName(service);
        entry.setMethodName(method);
        supported.addMethods(entry);
      }
      callback(null, supported);
    },
  });

  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${HOST}:${options.port ?? 0}`, ServerCredentials.createInsecure(), (error, boundPort) =>
      error ? reject(error) : resolve(boundPort),
    );
  });

  let closed: Promise<void> | undefined;
  const dropSubscriptions = (reason = 'subscription dropped by the server') => {
    for (const subscription of [...subscriptions]) subscription.drop(reason);
  };

  return {
    port,
    connectionString: `esdb://${HOST}:${port}?tls=false`,
    dropSubscriptions,
    get activeSubscriptions() {
      return subscriptions.size;
    },
    close() {
      closed ??= new Promise<void>((resolve) => {
        dropSubscriptions('server shutting down');
        const force = setTimeout(() => server.forceShutdown(), SHUTDOWN_GRACE_MS);
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      });
      return closed;
    },
  };
}
