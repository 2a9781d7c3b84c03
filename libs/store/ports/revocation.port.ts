/** Admin session revocations, published so every gateway drops the session at once. */
export interface RevocationBus {
  publish(sessionId: string): Promise<void>;
  /** Calls `onRevoked` for every revocation; resolves once subscribed; returns the unsubscribe. */
  subscribe(onRevoked: (sessionId: string) => void): Promise<() => Promise<void>>;
}
