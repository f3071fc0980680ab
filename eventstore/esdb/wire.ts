/**
 * The EventStoreDB gRPC wire types, taken from the client package's own generated code so that
 * messages built here serialise exactly like the client's. Re-exported from this folder because
 * `eventstore/esdb/` is the only place allowed to import `@eventstore/db-client`; the wire
 * emulator in test/support builds its server from these.
 */
import { createRequire } from 'node:module';
import type * as StreamsPb from '@eventstore/db-client/generated/streams_pb.js';
import type * as SharedPb from '@eventstore/db-client/generated/shared_pb.js';
import type * as StatusPb from '@eventstore/db-client/generated/status_pb.js';
import type * as CodePb from '@eventstore/db-client/generated/code_pb.js';
import type * as ServerFeaturesPb from '@eventstore/db-client/generated/serverfeatures_pb.js';
import type * as StreamsGrpcPb from '@eventstore/db-client/generated/streams_grpc_pb.js';
import type * as ServerFeaturesGrpcPb from '@eventstore/db-client/generated/serverfeatures_grpc_pb.js';
import type * as AnyPb from 'google-protobuf/google/protobuf/any_pb.js';
import type * as EmptyPb from 'google-protobuf/google/protobuf/empty_pb.js';

// The generated modules are CommonJS that attach their exports dynamically, so ESM named imports
// cannot see them; require them, resolving google-protobuf from the client package itself so the
// `Any`/`Empty` classes are the very copies its messages reference.
const requireFromHere = createRequire(import.meta.url);
const clientRoot = requireFromHere.resolve('@eventstore/db-client/generated/streams_pb.js');
const requireFromClient = createRequire(clientRoot);

export const streamsPb = requireFromClient('./streams_pb.js') as typeof StreamsPb;
export const sharedPb = requireFromClient('./shared_pb.js') as typeof SharedPb;
export const statusPb = requireFromClient('./status_pb.js') as typeof StatusPb;
export const codePb = requireFromClient('./code_pb.js') as typeof CodePb;
export const serverFeaturesPb = requireFromClient('./serverfeatures_pb.js') as typeof ServerFeaturesPb;
export const streamsGrpc = requireFromClient('./streams_grpc_pb.js') as typeof StreamsGrpcPb;
export const serverFeaturesGrpc = requireFromClient('./serverfeatures_grpc_pb.js') as typeof ServerFeaturesGrpcPb;
export const anyPb = requireFromClient('google-protobuf/google/protobuf/any_pb.js') as typeof AnyPb;
export const emptyPb = requireFromClient('google-protobuf/google/protobuf/empty_pb.js') as typeof EmptyPb;

export type { StreamsPb, SharedPb, StatusPb };
