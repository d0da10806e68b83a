import { formatConfigIssues } from '../../shared/config/issues';
import * as z from '../../shared/config/zod';
import { ConfigError } from '../../shared/errors';
import { type CheckDefinition, checkSchema, type HealthCheck } from './check-schema';
import { componentId } from './component-id';

const int = (min: number, max: number) => z.int().check(z.gte(min), z.lte(max));

export const componentSchema = z.strictObject({
  id: componentId,
  description: z.optional(z.string().check(z.minLength(1), z.maxLength(200))),
  /** Components this one needs; while one of them is `down`, this one's alerts are inhibited. @default [] */
  dependsOn: z._default(z.array(componentId), []),
});

export const checkDefaultsSchema = z.strictObject({
  /** @default 5000 */
  timeoutMs: z._default(int(100, 60_000), 5000),
  /** @default 2 */
  failureThreshold: z._default(int(1, 20), 2),
  /** @default 2 */
  successThreshold: z._default(int(1, 20), 2),
});

export const flappingSchema = z.strictObject({
  /** Status changes within the window that make a check `flapping`. @default 4 */
  transitions: z._default(int(2, 100), 4),
  /** @default 300 */
  windowSeconds: z._default(int(10, 86_400), 300),
});

export const alertTimingSchema = z.strictObject({
  /** Changes to an open incident are sent at most once per this interval (escalations at once). @default 300 */
  groupIntervalSeconds: z._default(int(0, 86_400), 300),
  /** An incident still open after this long is sent again as a reminder. @default 14400 */
  repeatIntervalSeconds: z._default(int(60, 7 * 86_400), 14_400),
});

/**
 * A health-check config file: the components, how they depend on each other, and their checks.
 * The same file drives the health-check Lambda and `misybot-ha health check`.
 */
export const healthCheckConfigSchema = z
  .strictObject({
    defaults: z.prefault(checkDefaultsSchema, {}),
    flapping: z.prefault(flappingSchema, {}),
    alerting: z.prefault(alertTimingSchema, {}),
    components: z.array(componentSchema).check(z.minLength(1)),
    checks: z.array(checkSchema).check(z.minLength(1)),
  })
  .check(
    z.superRefine((config, ctx) => {
      const issue = (path: (string | number)[], message: string) =>
        ctx.addIssue({ code: 'custom', path, message });
      const components = new Set<string>();
      config.components.forEach((component, index) => {
        if (components.has(component.id))
          issue(['components', index, 'id'], `must be unique, got "${component.id}" twice`);
        components.add(component.id);
      });
      const known = [...components].map((id) => `"${id}"`).join(', ');
      config.components.forEach((component, index) => {
        component.dependsOn.forEach((dependency, position) => {
          if (!components.has(dependency))
            issue(
              ['components', index, 'dependsOn', position],
              `must name a component (${known}), got "${dependency}"`,
            );
          if (dependency === component.id)
            issue(
              ['components', index, 'dependsOn', position],
              `must not name the component itself ("${dependency}")`,
            );
        });
      });
      const cycle = findCycle(config.components);
      if (cycle) issue(['components'], `must not depend on each other in a cycle, got ${cycle.join(' → ')}`);
      const ids = new Set<string>();
      config.checks.forEach((check, index) => {
        if (ids.has(check.id)) issue(['checks', index, 'id'], `must be unique, got "${check.id}" twice`);
        ids.add(check.id);
        if (!components.has(check.component))
          issue(['checks', index, 'component'], `must name a component (${known}), got "${check.component}"`);
      });
    }),
  );

export type HealthCheckConfigInput = z.input<typeof healthCheckConfigSchema>;
export type ComponentDefinition = z.output<typeof componentSchema>;
export type FlappingSettings = z.output<typeof flappingSchema>;
export type AlertTimingSettings = z.output<typeof alertTimingSchema>;

/** A validated config with every check's timeout and thresholds resolved. */
export interface HealthCheckConfig {
  readonly components: readonly ComponentDefinition[];
  readonly checks: readonly HealthCheck[];
  readonly flapping: FlappingSettings;
  readonly alerting: AlertTimingSettings;
}

/**
 * Validates a health-check config and applies its defaults.
 * @throws {ConfigError} listing every problem, one line per field.
 */
export function parseHealthCheckConfig(
  input: unknown,
  source = 'health-check configuration',
): HealthCheckConfig {
  const result = healthCheckConfigSchema.safeParse(input);
  if (!result.success) {
    throw new ConfigError(source, formatConfigIssues(result.error.issues, input), { cause: result.error });
  }
  const { defaults, flapping, alerting, components, checks } = result.data;
  return {
    components,
    flapping,
    alerting,
    checks: checks.map((check: CheckDefinition) => ({
      ...check,
      timeoutMs: check.timeoutMs ?? defaults.timeoutMs,
      failureThreshold: check.failureThreshold ?? defaults.failureThreshold,
      successThreshold: check.successThreshold ?? defaults.successThreshold,
    })) as HealthCheck[],
  };
}

function findCycle(components: readonly ComponentDefinition[]): string[] | undefined {
  // Self-references have their own message; a cycle is two or more components.
  const edges = new Map(components.map((c) => [c.id, c.dependsOn.filter((d) => d !== c.id)]));
  const state = new Map<string, 'visiting' | 'done'>();
  const path: string[] = [];
  const visit = (id: string): string[] | undefined => {
    if (state.get(id) === 'done') return undefined;
    if (state.get(id) === 'visiting') return [...path.slice(path.indexOf(id)), id];
    state.set(id, 'visiting');
    path.push(id);
    for (const next of edges.get(id) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const id of edges.keys()) {
    const cycle = visit(id);
    if (cycle) return cycle;
  }
  return undefined;
}
