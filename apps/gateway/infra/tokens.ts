/** Injection tokens for what has no class of its own to inject by. */
export const CONFIG = Symbol('MiroirConfig');
export const STORE = Symbol('Store');
/** The gateway's JSON log (`Log` of libs/service). */
export const LOG = Symbol('Log');
