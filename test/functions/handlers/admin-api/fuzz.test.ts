import fc from 'fast-check';
import { routes } from '../../../../functions/core/admin/routes';
import type { RequestSpec } from './events';
import { GROUP, NOW } from './fakes';
import { harness } from './harness';

/**
 * Generated bad input against every mutating route: at least 1,000 malformed requests each
 * (wrong types, missing fields, unknown fields, huge strings, bad JSON, wrong content type, path
 * traversal in ids, bad query strings and headers, no identity). Every one must be answered with
 * a 4xx problem document, and no port that changes anything may have been called.
 */

type JsonType = 'string' | 'number' | 'boolean' | 'array' | 'object';

interface Target {
  readonly method: string;
  /** Builds the raw path from the (possibly hostile) path parameter. */
  readonly path: (param: string) => string;
  readonly param?: { readonly name: string; readonly valid: string };
  readonly body?: Record<string, unknown>;
  /** Every body field with its JSON type; `required` ones may not be left out. */
  readonly fields?: Record<string, { type: JsonType; required: boolean }>;
}

const req = (type: JsonType) => ({ type, required: true });
const opt = (type: JsonType) => ({ type, required: false });

const targets: Record<string, Target> = {
  createSilence: {
    method: 'POST',
    path: () => '/alerts/silences',
    body: {
      matchers: [{ label: 'component', op: '=', value: 'api' }],
      endsAt: new Date(NOW + 3_600_000).toISOString(),
      reason: 'maintenance',
    },
    fields: { matchers: req('array'), endsAt: req('string'), startsAt: opt('string'), reason: req('string') },
  },
  removeSilence: {
    method: 'DELETE',
    path: (id) => `/alerts/silences/${encodeURIComponent(id)}`,
    param: { name: 'id', valid: 'sil-1' },
  },
  setAlgorithm: {
    method: 'PUT',
    path: () => '/load-balancer/algorithm',
    body: { algorithm: 'round_robin', reason: 'switch algorithm' },
    fields: {
      algorithm: req('string'),
      anomalyMitigation: opt('boolean'),
      dryRun: opt('boolean'),
      reason: req('string'),
    },
  },
  setWeights: {
    method: 'PUT',
    path: () => '/load-balancer/weights',
    body: { weights: [{ targetGroup: 'canary', weight: 5 }], reason: 'canary 5%' },
    fields: { weights: req('array'), dryRun: opt('boolean'), reason: req('string') },
  },
  putPolicies: {
    method: 'PUT',
    path: (name) => `/scaling/groups/${encodeURIComponent(name)}/policies`,
    param: { name: 'name', valid: GROUP },
    body: { policy: { targetTracking: [{ name: 'cpu', metric: 'cpu', target: 50 }] }, reason: 'new policy' },
    fields: { policy: req('object'), dryRun: opt('boolean'), reason: req('string') },
  },
  evaluate: {
    method: 'POST',
    path: (name) => `/scaling/groups/${encodeURIComponent(name)}/evaluate`,
    param: { name: 'name', valid: GROUP },
    body: { reason: 'check policy' },
    fields: { dryRun: opt('boolean'), reason: req('string') },
  },
  setCapacity: {
    method: 'PUT',
    path: (name) => `/scaling/groups/${encodeURIComponent(name)}/capacity`,
    param: { name: 'name', valid: GROUP },
    body: { desiredCapacity: 4, reason: 'launch day' },
    fields: {
      desiredCapacity: req('number'),
      honorCooldown: opt('boolean'),
      dryRun: opt('boolean'),
      reason: req('string'),
    },
  },
  commandFailover: {
    method: 'POST',
    path: (component) => `/failover/${encodeURIComponent(component)}`,
    param: { name: 'component', valid: 'database' },
    body: { action: 'drill', dryRun: false, reason: 'quarterly drill' },
    fields: { action: req('string'), dryRun: opt('boolean'), reason: req('string') },
  },
  commandRegion: {
    method: 'POST',
    path: (operation) => `/regions/${encodeURIComponent(operation)}`,
    param: { name: 'operation', valid: 'drill' },
    body: { dryRun: false, confirm: false, reason: 'quarterly game day' },
    fields: { dryRun: opt('boolean'), confirm: opt('boolean'), reason: req('string') },
  },
  analyze: {
    method: 'POST',
    path: () => '/database/analyze',
    body: { reason: 'after deploy' },
    fields: { reason: req('string') },
  },
  invalidateNamespace: {
    method: 'DELETE',
    path: (ns) => `/cache/namespaces/${encodeURIComponent(ns)}`,
    param: { name: 'namespace', valid: 'answers' },
  },
};

const jsonTypeOf = (value: unknown): JsonType | 'null' =>
  value === null ? 'null' : Array.isArray(value) ? 'array' : (typeof value as JsonType);

const anyJson = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
  fc.string({ maxLength: 20 }),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
);

const huge = fc
  .tuple(fc.integer({ min: 501, max: 70_000 }), fc.constantFrom('x', 'é', '💥', '\u0000', '"'))
  .map(([n, unit]) => unit.repeat(n));

/** Ids that no id schema accepts: traversal, separators, encodings, blanks, oversized. */
const hostileId = fc.oneof(
  fc.constantFrom(
    '..',
    '../..',
    '../../etc/passwd',
    '..\\..\\windows',
    '%2e%2e',
    '%2e%2e%2f',
    'a/../b',
    './.',
    '....',
    'a b',
    '',
    ' ',
    '\u0000',
    'a\nb',
  ),
  fc.string({ unit: 'binary', maxLength: 40 }).map((s) => `${s}/..`),
  fc.string({ maxLength: 20 }).map((s) => `../${s}`),
  fc.integer({ min: 256, max: 5000 }).map((n) => 'a'.repeat(n)),
);

const JSON_HEADERS = { 'Content-Type': 'application/json' };

/** One malformed request for `target`; every branch is invalid whatever the generated values. */
function malformed(target: Target): fc.Arbitrary<RequestSpec> {
  const base = (param = target.param?.valid ?? ''): RequestSpec => ({
    method: target.method,
    path: target.path(param),
    ...(target.param ? { pathParameters: { [target.param.name]: param } } : {}),
    ...(target.body ? {} : { query: { reason: 'valid reason' } }),
  });
  const withBody = (body: unknown, extra: Partial<RequestSpec> = {}): RequestSpec => ({
    ...base(),
    body: JSON.stringify(body),
    headers: JSON_HEADERS,
    ...extra,
  });
  const common: fc.Arbitrary<RequestSpec>[] = [
    fc
      .string({ maxLength: 12 })
      .filter((k) => !/^[A-Za-z0-9_-]{8,128}$/.test(k))
      .map((key) => ({
        ...(target.body ? withBody(target.body) : base()),
        headers: { ...(target.body ? JSON_HEADERS : {}), 'Idempotency-Key': key },
      })),
    fc.constant({ ...(target.body ? withBody(target.body) : base()), userArn: null }),
    fc
      .tuple(
        fc.string({ minLength: 1, maxLength: 10 }).filter((k) => !['reason'].includes(k)),
        fc.string(),
      )
      .map(([key, value]) => ({
        ...(target.body ? withBody(target.body) : base()),
        query: { ...(target.body ? {} : { reason: 'valid reason' }), [key]: value },
      })),
  ];
  if (target.param)
    common.push(
      hostileId.map((id) => ({
        ...base(id),
        ...(target.body ? { body: JSON.stringify(target.body), headers: JSON_HEADERS } : {}),
      })),
    );
  if (!target.body) {
    return fc.oneof<fc.Arbitrary<RequestSpec>[]>(
      ...common,
      fc.constant({ ...base(), query: {} }),
      fc.string({ maxLength: 2 }).map((reason) => ({ ...base(), query: { reason } })),
      huge.map((reason) => ({ ...base(), query: { reason } })),
      fc.constant({ ...base(), query: undefined, multiQuery: { reason: ['first reason', 'second reason'] } }),
      fc
        .string({ minLength: 1 })
        .filter((s) => s.trim() !== '')
        .map((body) => ({ ...base(), body, headers: JSON_HEADERS })),
    );
  }
  const body = target.body;
  const fields = Object.entries(target.fields ?? {});
  const text = JSON.stringify(body);
  return fc.oneof(
    ...common,
    // Wrong type for one field.
    fc
      .tuple(fc.constantFrom(...fields), anyJson)
      .filter(([[, spec], value]) => jsonTypeOf(value) !== spec.type)
      .map(([[name], value]) => withBody({ ...body, [name]: value })),
    // A required field left out.
    fc.constantFrom(...fields.filter(([, spec]) => spec.required)).map(([name]) => {
      const { [name]: _gone, ...rest } = body;
      return withBody(rest);
    }),
    // An unknown field.
    fc
      .tuple(
        fc.oneof(
          fc.string({ minLength: 1, maxLength: 12 }),
          fc.constantFrom('__proto__', 'constructor', 'toString'),
        ),
        anyJson,
      )
      .filter(([name]) => !(name in (target.fields ?? {})))
      .map(([name, value]) => ({
        ...withBody(body),
        body: `${text.slice(0, -1)},${JSON.stringify(name)}:${JSON.stringify(value)}}`,
      })),
    // Huge strings in every string field.
    fc
      .tuple(fc.constantFrom(...fields.filter(([, spec]) => spec.type === 'string')), huge)
      .map(([[name], value]) => withBody({ ...body, [name]: value })),
    // Not JSON, or JSON that is not an object.
    fc.integer({ min: 0, max: text.length - 1 }).map((n) => withBody(null, { body: text.slice(0, n) })),
    fc
      .constantFrom(`{${text}`, `${text}x`, text.replaceAll('"', "'"), 'NaN', 'undefined', '\u0000')
      .map((raw) => withBody(null, { body: raw })),
    fc
      .jsonValue()
      .filter((v) => jsonTypeOf(v) !== 'object')
      .map((v) => withBody(v)),
    fc
      .integer({ min: 1, max: text.length - 1 })
      .map((n) => withBody(null, { body: Buffer.from(text.slice(0, n)).toString('base64'), base64: true })),
    // Wrong or missing content type.
    fc
      .constantFrom(
        'text/plain',
        'application/xml',
        'multipart/form-data',
        'application/jsonx',
        'application/json; charset=latin1',
        '',
        'application/x-www-form-urlencoded',
      )
      .map((type) => withBody(body, { headers: type === '' ? {} : { 'Content-Type': type } })),
    // Oversized body.
    fc
      .integer({ min: 65_537, max: 200_000 })
      .map((n) => withBody(null, { body: `{"reason":"${'y'.repeat(n)}"}` })),
  );
}

describe('admin API under generated bad input', () => {
  it.each(Object.keys(targets))(
    '%s: every malformed request is a 4xx problem and changes nothing',
    async (id) => {
      const target = targets[id]!;
      expect(routes[id as keyof typeof routes].mutating).toBe(true);
      const { send, world } = harness();
      await fc.assert(
        fc.asyncProperty(malformed(target), async (spec) => {
          const answer = await send(spec);
          expect(answer.status).toBeGreaterThanOrEqual(400);
          expect(answer.status).toBeLessThan(500);
          expect(answer.headers['Content-Type']).toBe('application/problem+json');
          expect(answer.json).toMatchObject({
            status: answer.status,
            type: expect.stringMatching(/^urn:misybot-ha:problem:/),
          });
          expect(world.mutations).toEqual([]);
          expect(world.audit).toEqual([]);
          expect(world.keys.size).toBe(0);
        }),
        { numRuns: 1000 },
      );
    },
  );

  it('covers every mutating route of the catalogue', () => {
    const mutating = Object.values(routes)
      .filter((r) => r.mutating)
      .map((r) => r.id);
    expect(Object.keys(targets).sort()).toEqual([...mutating].sort());
  });
});
