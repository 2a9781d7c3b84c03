/** Messages between the gateway's cluster primary and its workers (apps/gateway/cluster.ts). */
export const WORKER_LISTENING = 'miroir:listening';
export const METRICS_REQUEST = 'miroir:metrics';
export const METRICS_REPLY = 'miroir:metrics-reply';
