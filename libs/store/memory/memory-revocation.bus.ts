import type { RevocationBus } from '../ports/revocation.port.js';

/** Delivers asynchronously, like Redis pub/sub: a publisher never runs subscribers inline. */
export class MemoryRevocationBus implements RevocationBus {
  private readonly handlers = new Set<(id: string) => void>();

  async publish(sessionId: string): Promise<void> {
    const targets = [...this.handlers];
    setImmediate(() => targets.forEach((h) => h(sessionId)));
  }

  async subscribe(onRevoked: (sessionId: string) => void): Promise<() => Promise<void>> {
    this.handlers.add(onRevoked);
    return async () => {
      this.handlers.delete(onRevoked);
    };
  }

  close(): void {
    this.handlers.clear();
  }
}
