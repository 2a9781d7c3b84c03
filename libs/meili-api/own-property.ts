/** Sets an own enumerable property, even for a key such as `__proto__` that plain assignment
 *  would turn into a prototype change (field names and facet values come from documents). */
export function setOwn<T>(target: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

/** The own property `key` of `target` (never an inherited one). */
export function getOwn<T>(target: Record<string, T>, key: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(target, key) ? target[key] : undefined;
}
