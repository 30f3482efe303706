import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

/** The vendored opentelemetry-proto definitions (Apache-2.0), beside src/ and dist/ alike. */
const PROTO_DIR = fileURLToPath(new URL('../../../vendor/opentelemetry-proto/', import.meta.url));
const SERVICE = 'opentelemetry.proto.collector.trace.v1';

interface TraceTypes {
  readonly request: protobuf.Type;
  readonly response: protobuf.Type;
}

let types: TraceTypes | undefined;

/** The trace service's message types, loaded once from the .proto files on first use. */
function traceTypes(): TraceTypes {
  if (types) return types;
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => join(PROTO_DIR, target);
  root.loadSync('opentelemetry/proto/collector/trace/v1/trace_service.proto', { keepCase: false });
  root.resolveAll();
  types = {
    request: root.lookupType(`${SERVICE}.ExportTraceServiceRequest`),
    response: root.lookupType(`${SERVICE}.ExportTraceServiceResponse`),
  };
  return types;
}

/**
 * An ExportTraceServiceRequest protobuf body as plain data in OTLP/JSON's
 * field names (64-bit integers as decimal strings, bytes as base64): to be
 * checked with the same schema as a JSON body. Throws on bytes that are not
 * such a message.
 */
export function decodeTraceRequest(body: Uint8Array): unknown {
  const { request } = traceTypes();
  return request.toObject(request.decode(body), { longs: String, enums: Number, bytes: String, defaults: false });
}

/** An ExportTraceServiceResponse, with partial success when some spans were rejected. */
export function encodeTraceResponse(partial?: { rejectedSpans: number; errorMessage: string }): Uint8Array {
  const { response } = traceTypes();
  return response.encode(response.fromObject(partial ? { partialSuccess: partial } : {})).finish();
}
