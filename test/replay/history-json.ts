import path from 'node:path';
import * as proto from '@temporalio/proto';
import { patchProtobufRoot } from '@temporalio/proto/lib/patch-protobuf-root';
import type { HistoryFixture } from './history-fixtures';

type History = proto.temporal.api.history.v1.IHistory;

interface ProtoJson {
  toJson(type: unknown, message: unknown): unknown;
  fromJson(type: unknown, json: unknown, options: { ignoreUnknownFields: boolean }): History | null;
}

/*
 * History <-> proto-JSON, the form of `temporal workflow show --output json`. The SDK has this as
 * `historyToJSON` / `historyFromJSON` (@temporalio/common/lib/proto-utils), but in this install
 * @temporalio/common and @temporalio/proto each carry their own copy of protobufjs 8 (the
 * top-level one is 7, for @grpc/proto-loader), and protobufjs's JSON codec rejects a message type
 * from the other copy ("type must be a Type"). So the codec is taken from the copy that
 * @temporalio/proto itself loads, whichever layout npm chose.
 */
const protojson = require(require.resolve('protobufjs/ext/protojson', { paths: [path.dirname(require.resolve('@temporalio/proto'))] })) as ProtoJson;
// At run time the patched root is a protobufjs Root; its declared type is only the generated namespace.
const historyType = (patchProtobufRoot(proto) as unknown as { lookupType(name: string): unknown }).lookupType('temporal.api.history.v1.History');

export function historyToJson(history: History): HistoryFixture['history'] {
  return protojson.toJson(historyType, proto.temporal.api.history.v1.History.fromObject(history)) as HistoryFixture['history'];
}

/** A decoded History (event ids as Long), which `Worker.runReplayHistories` takes as it is. */
export function historyFromJson(json: HistoryFixture['history']): History {
  const history = protojson.fromJson(historyType, json, { ignoreUnknownFields: true });
  if (history === null) throw new TypeError('not a history');
  return history;
}
