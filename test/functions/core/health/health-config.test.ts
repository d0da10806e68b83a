import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseHealthCheckConfig } from '../../../../functions/core/health/health-config';
import { ConfigError } from '../../../../functions/shared/errors';

const example = JSON.parse(
  readFileSync(join(__dirname, '../../../../config/health-checks.example.json'), 'utf8'),
);

function problems(input: unknown): readonly string[] {
  try {
    parseHealthCheckConfig(input, 'checks.json');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected the config to be rejected');
}

const minimal = (checks: unknown[], components: unknown[] = [{ id: 'api' }]) => ({ components, checks });
const http = (extra: Record<string, unknown> = {}) => ({
  id: 'a',
  component: 'api',
  kind: 'http',
  url: 'http://127.0.0.1/health',
  ...extra,
});

describe('parseHealthCheckConfig', () => {
  it('accepts the shipped example with every check kind', () => {
    const config = parseHealthCheckConfig(example);
    expect(new Set(config.checks.map((c) => c.kind))).toEqual(
      new Set(['http', 'tcp', 'alb-target-health', 'aurora', 'elasticache', 'lambda-errors', 'dependency']),
    );
  });

  it('resolves each check’s timeout and thresholds from the defaults unless the check sets them', () => {
    const config = parseHealthCheckConfig({
      defaults: { timeoutMs: 4000, failureThreshold: 3 },
      ...minimal([http(), http({ id: 'b', timeoutMs: 900, successThreshold: 5 })]),
    });
    expect(config.checks.map((c) => [c.timeoutMs, c.failureThreshold, c.successThreshold])).toEqual([
      [4000, 3, 2],
      [900, 3, 5],
    ]);
    expect(config.checks[0]).toMatchObject({
      method: 'GET',
      expectedStatus: '200-299',
      tlsExpiryWarningDays: 14,
    });
    expect(config.flapping).toEqual({ transitions: 4, windowSeconds: 300 });
  });

  it('names the field of a check that points at an unknown component', () => {
    expect(problems(minimal([http({ component: 'ghost' })]))).toEqual([
      'checks[0].component: must name a component ("api"), got "ghost"',
    ]);
  });

  it('rejects duplicate check ids and components, naming the second', () => {
    expect(problems(minimal([http(), http()], [{ id: 'api' }, { id: 'api' }]))).toEqual([
      'components[1].id: must be unique, got "api" twice',
      'checks[1].id: must be unique, got "a" twice',
    ]);
  });

  it('rejects a dependency cycle and spells it out', () => {
    const components = [
      { id: 'api', dependsOn: ['db'] },
      { id: 'db', dependsOn: ['cache'] },
      { id: 'cache', dependsOn: ['api'] },
    ];
    expect(problems(minimal([http()], components))).toEqual([
      'components: must not depend on each other in a cycle, got api → db → cache → api',
    ]);
  });

  it('rejects a bad URL, a bad status matcher, an invalid regex and both body expectations at once', () => {
    const found = problems(
      minimal([
        http({ url: 'ftp://x/' }),
        http({ id: 'b', expectedStatus: '2xx' }),
        http({ id: 'c', bodyMatches: '(' }),
        http({ id: 'd', bodyContains: 'ok', bodyMatches: 'ok' }),
      ]),
    );
    expect(found).toEqual([
      'checks[0].url: must be an http:// or https:// URL, got "ftp://x/"',
      'checks[1].expectedStatus: must be HTTP codes such as "200", "200-299" or "200-299,301", got "2xx"',
      'checks[2].bodyMatches: must be a valid JavaScript regular expression, got "("',
      'checks[3].bodyMatches: must set at most one of bodyContains and bodyMatches, got "ok"',
    ]);
  });

  it('fills a dependency check’s defaults and leaves speed unjudged without maxLatencyMs', () => {
    const config = parseHealthCheckConfig(
      minimal([
        {
          id: 'db',
          component: 'api',
          kind: 'dependency',
          url: 'https://x.example/health',
          dependency: 'database',
        },
      ]),
    );
    expect(config.checks[0]).toEqual({
      id: 'db',
      component: 'api',
      kind: 'dependency',
      url: 'https://x.example/health',
      dependency: 'database',
      headers: {},
      maxBodyBytes: 65_536,
      critical: false,
      timeoutMs: 5000,
      failureThreshold: 2,
      successThreshold: 2,
    });
  });

  it('rejects a dependency check with a bad URL, key or latency bound, naming each field', () => {
    const dependency = (extra: Record<string, unknown>) => ({
      id: 'd',
      component: 'api',
      kind: 'dependency',
      url: 'http://127.0.0.1/health',
      dependency: 'database',
      ...extra,
    });
    expect(
      problems(
        minimal([
          dependency({ url: 'tcp://db:5432' }),
          dependency({ id: 'e', dependency: 'data base' }),
          dependency({ id: 'f', maxLatencyMs: 0 }),
          dependency({ id: 'g', dependency: undefined }),
        ]),
      ),
    ).toEqual([
      'checks[0].url: must be an http:// or https:// URL, got "tcp://db:5432"',
      'checks[1].dependency: must be a key of the body\'s "dependencies", e.g. "database", got "data base"',
      'checks[2].maxLatencyMs: Too small: expected number to be >=1, got 0',
      expect.stringMatching(/^checks\[3\]\.dependency: /),
    ]);
  });

  it('rejects an unknown kind and unknown fields', () => {
    const found = problems(minimal([{ ...http(), kind: 'ping' }, http({ id: 'b', retries: 3 })]));
    expect(found[0]).toMatch(/^checks\[0\]\.kind: /);
    expect(found[1]).toBe('checks[1]: unknown field "retries"');
  });
});
