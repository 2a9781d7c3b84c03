/** OpenAPI 3.1 description of the admin API (`/_miroir/*`, `/metrics`), served at /_miroir/openapi.json. */
const errorRef = { $ref: '#/components/schemas/Error' };
const json = (schema: object) => ({ 'application/json': { schema } });
const admin = [{ adminKey: [] }];

export function adminOpenApi(version: string): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Miroir admin API',
      version,
      description:
        'Operations on a Miroir cluster. Bearer: MIROIR_ADMIN_API_KEY or the master key.',
    },
    components: {
      securitySchemes: { adminKey: { type: 'http', scheme: 'bearer' } },
      schemas: {
        Error: {
          type: 'object',
          required: ['message', 'code', 'type', 'link'],
          properties: {
            message: { type: 'string' },
            code: { type: 'string' },
            type: { enum: ['invalid_request', 'internal', 'auth', 'system'] },
            link: { type: 'string' },
          },
        },
        Node: {
          type: 'object',
          properties: {
            id: { type: 'string' },
            url: { type: 'string' },
            group: { type: 'string' },
            state: { enum: ['joining', 'active', 'draining', 'failed', 'removed'] },
            lastSeen: { type: ['string', 'null'] },
            error: { type: ['string', 'null'] },
            shardCopies: { type: 'integer' },
            passiveHealth: {
              type: ['object', 'null'],
              properties: { failures: { type: 'integer' }, retryAt: { type: 'integer' } },
            },
          },
        },
        Placement: {
          type: 'object',
          description: 'groups[group][shard] = {owners, incoming}',
          properties: {
            shards: { type: 'integer' },
            epoch: { type: 'integer' },
            groups: { type: 'object', additionalProperties: { type: 'array' } },
          },
        },
      },
    },
    paths: {
      '/_miroir/aliases': {
        get: {
          summary: 'Every alias: name, kind (single|multi), targets, version, history',
          security: admin,
          responses: { 200: { description: '{results, total}' } },
        },
        post: {
          summary: 'Create an alias: {name, target} or {name, targets: [...]} (operations.md)',
          security: admin,
          responses: {
            201: { description: 'The alias' },
            404: { description: 'A target index does not exist', content: json(errorRef) },
            409: {
              description: 'The name is taken by an alias or an index',
              content: json(errorRef),
            },
          },
        },
      },
      '/_miroir/aliases/{name}': {
        get: {
          summary: 'One alias',
          security: admin,
          responses: { 200: { description: 'The alias' } },
        },
        put: {
          summary:
            'Flip: {target} or {targets}; version + 1, history entry, event to every gateway',
          security: admin,
          responses: {
            200: { description: 'The alias after the flip' },
            409: { description: 'Owned by a rollover policy', content: json(errorRef) },
          },
        },
        delete: {
          summary: 'Delete the alias (?policy= for a policy-owned one)',
          security: admin,
          responses: { 204: { description: 'Deleted' } },
        },
      },
      '/_miroir/topology': {
        get: {
          summary: 'Nodes with state, passive health and shard copies; RF, groups, epoch',
          security: admin,
          responses: {
            200: {
              description: 'topology',
              content: json({
                type: 'object',
                properties: {
                  epoch: { type: 'integer' },
                  replicationFactor: { type: 'integer' },
                  replicaGroups: { type: 'integer' },
                  nodes: { type: 'array', items: { $ref: '#/components/schemas/Node' } },
                  indexes: { type: 'integer' },
                },
              }),
            },
            403: { description: 'wrong key', content: json(errorRef) },
          },
        },
      },
      '/_miroir/nodes': {
        get: {
          summary: 'Every node with its state, copy state, lag and shard copies',
          security: admin,
          responses: { 200: { description: 'nodes', content: json({ type: 'object' }) } },
        },
        post: {
          summary: 'Add a node {id, url, group}: joining; the rebalancer moves copies onto it',
          security: admin,
          responses: {
            202: { description: 'added', content: json({ type: 'object' }) },
            400: { description: 'miroir_invalid_node', content: json(errorRef) },
            409: { description: 'miroir_node_already_exists', content: json(errorRef) },
          },
        },
      },
      '/_miroir/nodes/{id}/drain': {
        post: {
          summary: 'Drain a node: its copies move to the others, then it is removed',
          security: admin,
          responses: {
            202: { description: 'draining', content: json({ type: 'object' }) },
            409: { description: 'miroir_not_enough_nodes', content: json(errorRef) },
            404: { description: 'miroir_node_not_found', content: json(errorRef) },
          },
        },
      },
      '/_miroir/nodes/{id}': {
        delete: {
          summary: 'Remove a node now; its copies are re-replicated from the others',
          security: admin,
          responses: {
            202: { description: 'removed', content: json({ type: 'object' }) },
            409: { description: 'miroir_node_holds_last_copy', content: json(errorRef) },
          },
        },
      },
      '/_miroir/groups': {
        post: {
          summary: 'Add a replica group {id, nodes: [{id, url}]}, filled from the other groups',
          security: admin,
          responses: {
            202: { description: 'added', content: json({ type: 'object' }) },
            409: { description: 'miroir_node_already_exists', content: json(errorRef) },
          },
        },
      },
      '/_miroir/events': {
        get: {
          summary: 'Every miroir.> event as it happens (server-sent events, one envelope each)',
          security: admin,
          responses: { 200: { description: 'event stream', content: { 'text/event-stream': {} } } },
        },
      },
      '/_miroir/activity': {
        get: {
          summary: 'Changes made through the admin API: who, from where, what, when, status',
          security: admin,
          parameters: [{ name: 'limit', in: 'query', schema: { type: 'integer', minimum: 0 } }],
          responses: { 200: { description: 'activity', content: json({ type: 'object' }) } },
        },
      },
      '/_miroir/tasks/{uid}': {
        get: {
          summary: "A task as clients see it, with each node's part (node task, status, error)",
          security: admin,
          responses: {
            200: { description: 'task', content: json({ type: 'object' }) },
            404: { description: 'task_not_found', content: json(errorRef) },
          },
        },
      },
      '/_miroir/keys/node': {
        get: {
          summary:
            'The API key Miroir sends to nodes, when it rotates: uid, generation, state, age, grants (never a value)',
          security: admin,
          responses: { 200: { description: 'rotation', content: json({ type: 'object' }) } },
        },
      },
      '/_miroir/keys/node/rotate': {
        post: {
          summary: 'Rotate the node key now (`{"force": true}`), or show its rotation',
          security: admin,
          responses: { 202: { description: 'rotation', content: json({ type: 'object' }) } },
        },
      },
      '/_miroir/keys/scoped': {
        get: {
          summary:
            "Each index's scoped search key: generation, rotation state, age (never a value)",
          security: admin,
          responses: { 200: { description: 'keys', content: json({ type: 'object' }) } },
        },
      },
      '/_miroir/rebalance': {
        get: {
          summary:
            'The rebalance: status, moves with phase and progress, planned, moved, minimum, ETA',
          security: admin,
          responses: { 200: { description: 'rebalance', content: json({ type: 'object' }) } },
        },
      },
      '/_miroir/rebalance/pause': {
        post: {
          summary: 'Pause shard moves (a move stops between pages)',
          security: admin,
          responses: { 202: { description: 'paused', content: json({ type: 'object' }) } },
        },
      },
      '/_miroir/rebalance/resume': {
        post: {
          summary: 'Resume shard moves',
          security: admin,
          responses: { 202: { description: 'resumed', content: json({ type: 'object' }) } },
        },
      },
      '/_miroir/shards': {
        get: {
          summary:
            'Placement table of one index (`?index=`: with `copies`, each copy with its role, document count, writer state and lag in log messages), or of every index',
          security: admin,
          parameters: [{ name: 'index', in: 'query', schema: { type: 'string' } }],
          responses: {
            200: {
              description: 'placement',
              content: json({ $ref: '#/components/schemas/Placement' }),
            },
            404: { description: 'index_not_found', content: json(errorRef) },
          },
        },
      },
      '/_miroir/ready': {
        get: {
          summary: 'Readiness: Redis, NATS and the topology reachable (no key needed)',
          responses: {
            200: { description: 'ready', content: json({ type: 'object' }) },
            503: { description: 'miroir_not_ready', content: json(errorRef) },
          },
        },
      },
      '/_miroir/openapi.json': {
        get: { summary: 'This document', responses: { 200: { description: 'OpenAPI 3.1' } } },
      },
      '/_miroir/asyncapi.json': {
        get: {
          summary: 'AsyncAPI 3 document of the NATS events (miroir.>)',
          responses: { 200: { description: 'AsyncAPI 3' } },
        },
      },
      '/metrics': {
        get: {
          summary: 'Prometheus metrics',
          security: admin,
          responses: {
            200: { description: 'text exposition format', content: { 'text/plain': {} } },
          },
        },
      },
    },
  };
}
