/** Request fault rules of the admin API (emulator.md §7.2). */
import { MeiliError } from '#lib/errors';
import { asObject, rejectUnknown } from '#lib/meili-api';

export const FAULT_ROUTES = [
  'search',
  'documents',
  'settings',
  'tasks',
  'keys',
  'indexes',
  'health',
  'any',
] as const;
export type FaultRoute = (typeof FAULT_ROUTES)[number];

export type FaultEffect =
  | { delayMs: number; jitterMs: number }
  | { status: number; code?: string; body?: unknown }
  | 'hang'
  | 'reset'
  | 'dropResponse';
export type TerminalEffect = Exclude<FaultEffect, { delayMs: number }>;

export interface FaultRule {
  id: string;
  match: { method?: string; path?: string; route?: FaultRoute; indexUid?: string };
  effect: FaultEffect;
  probability: number;
  times: number | null;
  after: number;
  /** Matching requests seen so far, and how many the rule acted on. */
  seen: number;
  applied: number;
}

export interface FaultRequest {
  method: string;
  path: string;
  indexUid: string | null;
}

/** The route family of a path, as fault rules name them. */
export function routeOf(path: string): FaultRoute | 'other' {
  if (path === '/health') return 'health';
  if (path === '/multi-search' || /^\/indexes\/[^/]+\/(search|facet-search)$/.test(path))
    return 'search';
  if (/^\/indexes\/[^/]+\/documents(\/|$)/.test(path)) return 'documents';
  if (/^\/indexes\/[^/]+\/settings(\/|$)/.test(path)) return 'settings';
  if (/^\/tasks(\/|$)/.test(path)) return 'tasks';
  if (/^\/keys(\/|$)/.test(path)) return 'keys';
  if (/^\/(indexes|swap-indexes)(\/|$)/.test(path)) return 'indexes';
  return 'other';
}

function globToRegExp(glob: string): RegExp {
  const escaped = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`);
}

function bad(message: string): MeiliError {
  return new MeiliError('bad_request', `Invalid fault rule: ${message}`);
}

function count(value: unknown, name: string, fallback: number | null): number | null {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || (value as number) < 0)
    throw bad(`\`${name}\` must be a non-negative integer`);
  return value as number;
}

function parseEffect(value: unknown): FaultEffect {
  if (value === 'hang' || value === 'reset' || value === 'dropResponse') return value;
  const effect = asObject(value);
  if ('delayMs' in effect) {
    rejectUnknown(effect, ['delayMs', 'jitterMs'], 'field');
    return {
      delayMs: count(effect.delayMs, 'delayMs', 0)!,
      jitterMs: count(effect.jitterMs, 'jitterMs', 0)!,
    };
  }
  if ('status' in effect) {
    rejectUnknown(effect, ['status', 'code', 'body'], 'field');
    const status = effect.status;
    if (!Number.isInteger(status) || (status as number) < 100 || (status as number) > 599)
      throw bad('`status` must be an HTTP status');
    if (effect.code !== undefined && typeof effect.code !== 'string')
      throw bad('`code` must be a string');
    return { status: status as number, code: effect.code as string | undefined, body: effect.body };
  }
  throw bad(
    '`effect` must be {delayMs, jitterMs}, {status, code?, body?}, "hang", "reset" or "dropResponse"',
  );
}

export function parseFaultRule(input: unknown, id: string): FaultRule {
  const body = asObject(input);
  rejectUnknown(body, ['match', 'effect', 'probability', 'times', 'after'], 'field');
  const match = asObject(body.match ?? {});
  rejectUnknown(match, ['method', 'path', 'route', 'indexUid'], 'field');
  for (const key of ['method', 'path', 'indexUid', 'route'] as const) {
    if (match[key] !== undefined && typeof match[key] !== 'string')
      throw bad(`\`match.${key}\` must be a string`);
  }
  if (match.route !== undefined && !FAULT_ROUTES.includes(match.route as FaultRoute))
    throw bad(`\`match.route\` must be one of ${FAULT_ROUTES.join(', ')}`);
  const probability = body.probability ?? 1;
  if (typeof probability !== 'number' || probability < 0 || probability > 1)
    throw bad('`probability` must be within [0, 1]');
  return {
    id,
    match: match as FaultRule['match'],
    effect: parseEffect(body.effect),
    probability,
    times: count(body.times, 'times', null),
    after: count(body.after, 'after', 0)!,
    seen: 0,
    applied: 0,
  };
}

function matches(rule: FaultRule, request: FaultRequest): boolean {
  const { method, path, route, indexUid } = rule.match;
  if (method !== undefined && method.toUpperCase() !== request.method) return false;
  if (path !== undefined && !globToRegExp(path).test(request.path)) return false;
  if (route !== undefined && route !== 'any' && route !== routeOf(request.path)) return false;
  if (indexUid !== undefined && indexUid !== request.indexUid) return false;
  return true;
}

export interface FaultDecision {
  delayMs: number;
  terminal?: TerminalEffect;
}

/** Evaluates the rules in creation order: delays add up, the first terminal effect wins. */
export function decideFaults(
  rules: FaultRule[],
  request: FaultRequest,
  random: () => number,
): FaultDecision {
  const decision: FaultDecision = { delayMs: 0 };
  for (const rule of rules) {
    if (!matches(rule, request)) continue;
    rule.seen += 1;
    if (rule.seen <= rule.after) continue;
    if (rule.times !== null && rule.applied >= rule.times) continue;
    if (random() >= rule.probability) continue;
    const effect = rule.effect;
    if (typeof effect === 'object' && 'delayMs' in effect) {
      rule.applied += 1;
      decision.delayMs +=
        effect.delayMs + (effect.jitterMs > 0 ? Math.floor(random() * (effect.jitterMs + 1)) : 0);
    } else if (!decision.terminal) {
      rule.applied += 1;
      decision.terminal = effect;
    }
  }
  return decision;
}
