export {
  HttpNodeClient,
  type HttpNodeClientOptions,
  type NodeEndpoint,
  type RequestMetric,
} from './http-node-client.js';
export {
  NodeApi,
  queryString,
  type CallOptions,
  type HttpMethod,
  type NodeResponse,
  type QueryValue,
  type RequestOptions,
} from './node-api.js';
export {
  isErrorObject,
  isNodeDown,
  NodeApiError,
  NodeError,
  NodeTimeoutError,
  NodeUnavailableError,
  clientFacingMessage,
} from './node-errors.js';
export { NodeHealth, type NodeHealthOptions, type NodeHealthState } from './node-health.js';
export {
  describeCall,
  RecordingNodeClient,
  type RecordedCall,
  type ScriptedReply,
} from './recording-node-client.js';
export type * from './wire-types.js';
export { nodeWriteRequest, type NodeWrite, type NodeWriteRequest } from './node-writes.js';
