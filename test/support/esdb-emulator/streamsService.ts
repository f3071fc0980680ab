import { randomUUID } from 'node:crypto';
import type {
  sendUnaryData,
  ServerDuplexStream,
  ServerReadableStream,
  ServerUnaryCall,
  ServerWritableStream,
  ServiceError,
  UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { streamsPb, sharedPb, emptyPb, type SharedPb, type StreamsPb } from '../../../eventstore/esdb/wire.js';
import { StreamNotFound } from '../../../eventstore/errors.js';
import { START_POSITION, type AllSubscription, type EventData, type Position, type ReadAllOptions, type RecordedEvent } from '../../../eventstore/port.js';
import { InvalidRequest, readEventResponse, streamIdentifier, streamNameOf, toEventData, uuidToString } from './convert.js';
import {
  batchBadRequest,
  batchMaximumAppendSizeExceeded,
  batchStreamDeleted,
  batchUnknown,
  batchWrongExpectedVersion,
  internalError,
  invalidArgumentError,
  maximumAppendSizeExceededError,
  streamDeletedError,
  unavailableError,
  wrongExpectedVersionError,
} from './errors.js';
import { wireFilterFrom, type WireFilter } from './filter.js';
import { MaximumAppendSizeExceeded, type AppendOutcome, type CurrentRevision, type EsdbSemantics, type WireExpected } from './semantics.js';

type ReadCall = ServerWritableStream<StreamsPb.ReadReq, StreamsPb.ReadResp>;

/** A live $all subscription, kept so the emulator can drop it (tests) or end it on shutdown. */
export interface ActiveSubscription {
  drop(reason: string): void;
}

const { ReadReq } = streamsPb;

function toServiceError(error: unknown): ServiceError {
  if (error instanceof InvalidRequest || error instanceof SyntaxError) return invalidArgumentError(error.message);
  if (error instanceof MaximumAppendSizeExceeded) return maximumAppendSizeExceededError(error.maxBytes);
  return internalError(error);
}

function countOf(value: string): number {
  const count = BigInt(value);
  return count > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(count);
}

function revisionOf(value: string): number {
  const revision = BigInt(value);
  if (revision > BigInt(Number.MAX_SAFE_INTEGER)) throw new InvalidRequest(`revision ${value} is out of range`);
  return Number(revision);
}

/** Writes with backpressure; false once the call is gone. */
type WritableCall = { cancelled: boolean; destroyed: boolean; write(message: unknown): boolean; on(event: string, listener: () => void): unknown; off(event: string, listener: () => void): unknown };

async function send(call: WritableCall, message: unknown): Promise<boolean> {
  if (call.cancelled || call.destroyed) return false;
  if (call.write(message)) return true;
  await new Promise<void>((resolve) => {
    const done = () => {
      call.off('drain', done);
      call.off('close', done);
      call.off('cancelled', done);
      resolve();
    };
    call.on('drain', done);
    call.on('close', done);
    call.on('cancelled', done);
  });
  return !call.cancelled && !call.destroyed;
}

function checkpointResponse(position: Position): StreamsPb.ReadResp {
  const checkpoint = new streamsPb.ReadResp.Checkpoint();
  checkpoint.setCommitPosition(position);
  checkpoint.setPreparePosition(position);
  const response = new streamsPb.ReadResp();
  response.setCheckpoint(checkpoint);
  return response;
}

function currentRevisionFields(current: CurrentRevision, target: { setCurrentRevision(v: string): unknown; setCurrentNoStream(v: any): unknown }) {
  if (current === 'no_stream') target.setCurrentNoStream(new sharedPb.Empty());
  else target.setCurrentRevision(String(current));
}

export function createStreamsService(semantics: EsdbSemantics, subscriptions: Set<ActiveSubscription>): UntypedServiceImplementation {
  const store = semantics.store;

  async function readStream(call: ReadCall, options: StreamsPb.ReadReq.Options, structured: boolean): Promise<void> {
    const streamOptions = options.getStream()!;
    const stream = streamNameOf(streamOptions.getStreamIdentifier());
    if (options.hasSubscription()) throw new InvalidRequest('stream subscriptions are not supported by the emulator');
    if (semantics.isTombstoned(stream)) throw streamDeletedError(stream);
    const backwards = options.getReadDirection() === ReadReq.Options.ReadDirection.BACKWARDS;
    const maxCount = countOf(options.getCount());
    const truncateBefore = semantics.truncateBefore(stream);
    let fromRevision: number | 'start' | 'end';
    if (streamOptions.hasRevision()) fromRevision = revisionOf(streamOptions.getRevision());
    else fromRevision = streamOptions.hasEnd() ? 'end' : 'start';
    if (!backwards && truncateBefore > 0) {
      // the hidden head of a soft-deleted stream is skipped, not counted
      fromRevision = fromRevision === 'end' ? 'end' : Math.max(truncateBefore, fromRevision === 'start' ? 0 : fromRevision);
    }
    let events: RecordedEvent[];
    try {
      events = maxCount === 0 ? [] : await store.readStream(stream, { fromRevision, direction: backwards ? 'backwards' : 'forwards', maxCount });
      if (truncateBefore > 0 && (await semantics.visibleRevision(stream)) === 'no_stream') throw new StreamNotFound(stream);
    } catch (error) {
      if (!(error instanceof StreamNotFound)) throw error;
      const notFound = new streamsPb.ReadResp.StreamNotFound();
      notFound.setStreamIdentifier(streamIdentifier(stream));
      const response = new streamsPb.ReadResp();
      response.setStreamNotFound(notFound);
      await send(call, response);
      return;
    }
    for (const event of semantics.visibleEvents(stream, events)) {
      if (!(await send(call, readEventResponse(event, structured)))) return;
    }
  }

  async function readAll(call: ReadCall, options: StreamsPb.ReadReq.Options, structured: boolean, filter: WireFilter | undefined): Promise<void> {
    const allOptions = options.getAll()!;
    const backwards = options.getReadDirection() === ReadReq.Options.ReadDirection.BACKWARDS;
    const maxCount = countOf(options.getCount());
    const readOptions: ReadAllOptions = { direction: backwards ? 'backwards' : 'forwards' };
    if (allOptions.hasPosition()) {
      const position = BigInt(allOptions.getPosition()!.getCommitPosition());
      // EventStoreDB reads forwards from a position inclusively, backwards exclusively; the port
      // is exclusive both ways, and positions are integers, so "after P-1" is "from P"
      readOptions.fromPosition = backwards ? position.toString() : position === 0n ? 'start' : (position - 1n).toString();
    } else {
      readOptions.fromPosition = allOptions.hasEnd() ? 'end' : 'start';
    }
    if (!filter) readOptions.maxCount = maxCount;
    let sent = 0;
    if (sent >= maxCount) return;
    for await (const event of store.readAll(readOptions)) {
      if (filter && !filter.matches(event)) continue;
      if (!(await send(call, readEventResponse(event, structured)))) return;
      if (++sent >= maxCount) return;
    }
  }

  async function subscribeToAll(call: ReadCall, options: StreamsPb.ReadReq.Options, structured: boolean, filter: WireFilter | undefined): Promise<void> {
    const allOptions = options.getAll()!;
    const confirmation = new streamsPb.ReadResp.SubscriptionConfirmation();
    confirmation.setSubscriptionId(randomUUID());
    const confirmed = new streamsPb.ReadResp();
    confirmed.setConfirmation(confirmation);
    if (!(await send(call, confirmed))) return;

    let fromPosition: Position = START_POSITION;
    if (allOptions.hasPosition()) fromPosition = BigInt(allOptions.getPosition()!.getCommitPosition()).toString();
    else if (allOptions.hasEnd()) fromPosition = await store.headPosition();

    const subscription: AllSubscription = store.subscribeToAll({ fromPosition });
    let dropped: string | undefined;
    const active: ActiveSubscription = {
      drop(reason) {
        dropped = reason;
        void subscription.close();
      },
    };
    subscriptions.add(active);
    const onCancelled = () => void subscription.close();
    call.on('cancelled', onCancelled);
    try {
      let scannedSinceCheckpoint = 0;
      let lastScanned: Position = fromPosition;
      let lastCheckpoint: Position | undefined;
      let caughtUpSent = false;
      const checkpoint = async (position: Position) => {
        lastCheckpoint = position;
        scannedSinceCheckpoint = 0;
        return send(call, checkpointResponse(position));
      };
      for await (const message of subscription) {
        if (dropped || call.cancelled) break;
        if (message.kind === 'event') {
          lastScanned = message.event.position;
          if (!filter || filter.matches(message.event)) {
            if (!(await send(call, readEventResponse(message.event, structured)))) break;
          }
          if (filter && ++scannedSinceCheckpoint >= filter.checkpointIntervalEvents) {
            if (!(await checkpoint(lastScanned))) break;
          }
        } else if (message.kind === 'checkpoint') {
          lastScanned = message.position;
        } else if (!caughtUpSent) {
          caughtUpSent = true;
          const caughtUpAt = BigInt(message.position) > BigInt(lastScanned) ? message.position : lastScanned;
          // a filtered subscriber learns how far the catch-up scanned before it goes live
          if (filter && caughtUpAt !== lastCheckpoint && caughtUpAt !== START_POSITION) {
            if (!(await checkpoint(caughtUpAt))) break;
          }
          const response = new streamsPb.ReadResp();
          response.setCaughtUp(new streamsPb.ReadResp.CaughtUp());
          if (!(await send(call, response))) break;
        }
      }
      if (dropped) call.emit('error', unavailableError(dropped));
      else if (!call.cancelled) call.emit('error', unavailableError('the backing store ended the subscription'));
    } finally {
      subscriptions.delete(active);
      call.off('cancelled', onCancelled);
      await subscription.close();
    }
  }

  async function serveRead(call: ReadCall): Promise<void> {
    const options = call.request.getOptions();
    if (!options) throw new InvalidRequest('missing read options');
    const structured = options.getUuidOption()?.hasStructured() ?? false;
    if (options.hasStream()) {
      await readStream(call, options, structured);
    } else if (options.hasAll()) {
      let filter: WireFilter | undefined;
      try {
        filter = wireFilterFrom(options);
      } catch (error) {
        throw new InvalidRequest(`invalid filter: ${(error as Error).message}`);
      }
      if (options.hasSubscription()) {
        await subscribeToAll(call, options, structured, filter);
        return;
      }
      await readAll(call, options, structured, filter);
    } else {
      throw new InvalidRequest('read options name neither a stream nor $all');
    }
    if (!call.cancelled) call.end();
  }

  function read(call: ReadCall): void {
    serveRead(call).catch((error: unknown) => {
      if (call.cancelled) return;
      call.emit('error', isServiceError(error) ? error : toServiceError(error));
    });
  }

  function append(call: ServerReadableStream<StreamsPb.AppendReq, StreamsPb.AppendResp>, callback: sendUnaryData<StreamsPb.AppendResp>): void {
    let options: StreamsPb.AppendReq.Options | undefined;
    const events: EventData[] = [];
    let failure: unknown;
    call.on('data', (request: StreamsPb.AppendReq) => {
      if (failure) return;
      try {
        if (request.hasOptions()) options = request.getOptions();
        else if (request.hasProposedMessage()) events.push(toEventData(request.getProposedMessage()!));
      } catch (error) {
        failure = error;
      }
    });
    call.on('end', () => {
      (async () => {
        if (failure) throw failure;
        if (!options) throw new InvalidRequest('append without options');
        const stream = streamNameOf(options.getStreamIdentifier());
        const expected = appendExpected(options);
        const outcome = await semantics.append(stream, expected, events);
        callback(null, appendResponse(stream, expected, outcome));
      })().catch((error: unknown) => callback(isServiceError(error) ? error : toServiceError(error)));
    });
  }

  function appendResponse(stream: string, expected: WireExpected, outcome: AppendOutcome): StreamsPb.AppendResp {
    const response = new streamsPb.AppendResp();
    switch (outcome.kind) {
      case 'success': {
        const success = new streamsPb.AppendResp.Success();
        success.setCurrentRevision(String(outcome.nextRevision));
        const position = new streamsPb.AppendResp.Position();
        position.setCommitPosition(outcome.position);
        position.setPreparePosition(outcome.position);
        success.setPosition(position);
        response.setSuccess(success);
        return response;
      }
      case 'wrongExpectedVersion': {
        const wrong = new streamsPb.AppendResp.WrongExpectedVersion();
        currentRevisionFields(outcome.current, wrong);
        switch (expected.kind) {
          case 'revision':
            wrong.setExpectedRevision(String(expected.revision));
            break;
          case 'noStream':
            wrong.setExpectedNoStream(new sharedPb.Empty());
            break;
          case 'any':
            wrong.setExpectedAny(new sharedPb.Empty());
            break;
          case 'streamExists':
            wrong.setExpectedStreamExists(new sharedPb.Empty());
            break;
        }
        response.setWrongExpectedVersion(wrong);
        return response;
      }
      case 'streamDeleted':
        throw streamDeletedError(stream);
    }
  }

  function batchAppend(call: ServerDuplexStream<StreamsPb.BatchAppendReq, StreamsPb.BatchAppendResp>): void {
    const pending = new Map<string, { options?: StreamsPb.BatchAppendReq.Options; events: EventData[]; failure?: unknown }>();
    const inFlight = new Set<Promise<void>>();
    // responses of concurrent appends queue here, so one waits for 'drain' at a time
    let writes: Promise<unknown> = Promise.resolve();
    const respond = (response: StreamsPb.BatchAppendResp) => (writes = writes.then(() => send(call, response)));
    let clientDone = false;
    const finishIfIdle = () => {
      if (clientDone && inFlight.size === 0 && !call.cancelled && !call.destroyed) call.end();
    };

    const process = async (correlationId: SharedPb.UUID, batch: { options?: StreamsPb.BatchAppendReq.Options; events: EventData[]; failure?: unknown }) => {
      const response = new streamsPb.BatchAppendResp();
      response.setCorrelationId(correlationId);
      const options = batch.options;
      const stream = options ? streamNameOf(options.getStreamIdentifier()) : '';
      response.setStreamIdentifier(streamIdentifier(stream));
      try {
        if (batch.failure) throw batch.failure;
        if (!options) throw new InvalidRequest('batch append without options');
        const expected = batchExpected(options);
        switch (expected.kind) {
          case 'revision':
            response.setStreamPosition(String(expected.revision));
            break;
          case 'noStream':
            response.setNoStream(new emptyPb.Empty());
            break;
          case 'any':
            response.setAny(new emptyPb.Empty());
            break;
          case 'streamExists':
            response.setStreamExists(new emptyPb.Empty());
            break;
        }
        const outcome = await semantics.append(stream, expected, batch.events);
        if (outcome.kind === 'success') {
          const success = new streamsPb.BatchAppendResp.Success();
          success.setCurrentRevision(String(outcome.nextRevision));
          const position = new sharedPb.AllStreamPosition();
          position.setCommitPosition(outcome.position);
          position.setPreparePosition(outcome.position);
          success.setPosition(position);
          response.setSuccess(success);
        } else if (outcome.kind === 'wrongExpectedVersion') {
          response.setError(batchWrongExpectedVersion(expected, outcome.current));
        } else {
          response.setError(batchStreamDeleted(stream));
        }
      } catch (error) {
        if (error instanceof MaximumAppendSizeExceeded) response.setError(batchMaximumAppendSizeExceeded(error.maxBytes));
        else if (error instanceof InvalidRequest) response.setError(batchBadRequest(error.message));
        else response.setError(batchUnknown(error instanceof Error ? error.message : String(error)));
      }
      await respond(response);
    };

    call.on('data', (request: StreamsPb.BatchAppendReq) => {
      const correlationId = request.getCorrelationId();
      const key = correlationId ? uuidToString(correlationId) : '';
      let batch = pending.get(key);
      if (!batch) {
        batch = { events: [] };
        pending.set(key, batch);
      }
      if (request.hasOptions()) batch.options = request.getOptions();
      if (!batch.failure) {
        try {
          for (const message of request.getProposedMessagesList()) batch.events.push(toEventData(message));
        } catch (error) {
          batch.failure = error;
        }
      }
      if (!request.getIsFinal()) return;
      pending.delete(key);
      const work = process(correlationId!, batch).finally(() => {
        inFlight.delete(work);
        finishIfIdle();
      });
      inFlight.add(work);
    });
    call.on('end', () => {
      clientDone = true;
      finishIfIdle();
    });
    call.on('error', () => undefined);
  }

  function deleteOrTombstone(tombstone: boolean) {
    return (
      call: ServerUnaryCall<StreamsPb.DeleteReq | StreamsPb.TombstoneReq, StreamsPb.DeleteResp | StreamsPb.TombstoneResp>,
      callback: sendUnaryData<StreamsPb.DeleteResp | StreamsPb.TombstoneResp>,
    ) => {
      (async () => {
        const options = call.request.getOptions();
        if (!options) throw new InvalidRequest('missing delete options');
        const stream = streamNameOf(options.getStreamIdentifier());
        const expected = deleteExpected(options);
        const outcome = await semantics.delete(stream, expected, tombstone);
        if (outcome.kind === 'streamDeleted') throw streamDeletedError(stream);
        if (outcome.kind === 'wrongExpectedVersion') throw wrongExpectedVersionError(stream, expected, outcome.current);
        if (outcome.kind !== 'success' || !('position' in outcome)) throw new Error('unexpected delete outcome');
        const position = tombstone ? new streamsPb.TombstoneResp.Position() : new streamsPb.DeleteResp.Position();
        position.setCommitPosition(outcome.position);
        position.setPreparePosition(outcome.position);
        if (tombstone) {
          const response = new streamsPb.TombstoneResp();
          response.setPosition(position as StreamsPb.TombstoneResp.Position);
          callback(null, response);
        } else {
          const response = new streamsPb.DeleteResp();
          response.setPosition(position as StreamsPb.DeleteResp.Position);
          callback(null, response);
        }
      })().catch((error: unknown) => callback(isServiceError(error) ? error : toServiceError(error)));
    };
  }

  return { read, append, batchAppend, delete: deleteOrTombstone(false), tombstone: deleteOrTombstone(true) };
}

function isServiceError(error: unknown): error is ServiceError {
  return error instanceof Error && typeof (error as Partial<ServiceError>).code === 'number' && 'metadata' in error;
}

function appendExpected(options: StreamsPb.AppendReq.Options | StreamsPb.DeleteReq.Options | StreamsPb.TombstoneReq.Options): WireExpected {
  if (options.hasRevision()) return { kind: 'revision', revision: revisionOf(options.getRevision()) };
  if (options.hasNoStream()) return { kind: 'noStream' };
  if (options.hasStreamExists()) return { kind: 'streamExists' };
  return { kind: 'any' };
}

const deleteExpected = appendExpected;

function batchExpected(options: StreamsPb.BatchAppendReq.Options): WireExpected {
  if (options.hasStreamPosition()) return { kind: 'revision', revision: revisionOf(options.getStreamPosition()) };
  if (options.hasNoStream()) return { kind: 'noStream' };
  if (options.hasStreamExists()) return { kind: 'streamExists' };
  return { kind: 'any' };
}
