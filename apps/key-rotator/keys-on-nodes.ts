import { NodeApiError, type HttpNodeClient } from '#lib/node-client';

/**
 * Creates a key with a chosen uid on every node, idempotently (a resumed step finds it there):
 * each node's value, or `undefined` where the key already existed.
 */
export function createOnEveryNode(
  client: HttpNodeClient,
  nodes: readonly string[],
  body: Record<string, unknown> & { uid: string },
): Promise<(string | undefined)[]> {
  return Promise.all(
    nodes.map(async (node) => {
      try {
        return (await client.createKey(node, body)).key as string;
      } catch (err) {
        if (err instanceof NodeApiError && err.body.code === 'api_key_already_exists')
          return undefined;
        throw err;
      }
    }),
  );
}

/** Deletes key `uid` on every node; 404 counts as done, anything else fails the step (retried). */
export async function deleteOnEveryNode(
  client: HttpNodeClient,
  nodes: readonly string[],
  uid: string,
): Promise<void> {
  await Promise.all(
    nodes.map((node) =>
      client.deleteKey(node, uid).catch((err: unknown) => {
        if (err instanceof NodeApiError && err.status === 404) return;
        throw err;
      }),
    ),
  );
}
