/** Injection tokens for what has no class of its own to inject by. */
export const CONFIG = Symbol('MiroirConfig');
export const STORE = Symbol('Store');
