/**
 * EventBridge event patterns, as documented: every field of the pattern must match; a list of
 * values matches when any value does; objects nest; value filters `prefix`, `suffix`,
 * `anything-but`, `exists`, `numeric`, `equals-ignore-case` and `wildcard`.
 */
export function matchesPattern(pattern: unknown, event: unknown): boolean {
  if (pattern === null || typeof pattern !== 'object' || Array.isArray(pattern)) return false;
  for (const [key, expected] of Object.entries(pattern as Record<string, unknown>)) {
    const actual = (event as Record<string, unknown> | undefined)?.[key];
    if (Array.isArray(expected)) {
      if (!matchesValues(expected, actual)) return false;
    } else if (!matchesPattern(expected, actual)) {
      return false;
    }
  }
  return true;
}

function matchesValues(filters: readonly unknown[], actual: unknown): boolean {
  const values = Array.isArray(actual) ? actual : [actual];
  return filters.some((filter) => {
    if (filter !== null && typeof filter === 'object') {
      if ('exists' in filter) return (filter as { exists: boolean }).exists === (actual !== undefined);
      return values.some((value) => matchesFilter(filter as Record<string, unknown>, value));
    }
    return actual !== undefined && values.some((value) => value === filter);
  });
}

function matchesFilter(filter: Record<string, unknown>, value: unknown): boolean {
  if ('prefix' in filter) return typeof value === 'string' && value.startsWith(String(filter.prefix));
  if ('suffix' in filter) return typeof value === 'string' && value.endsWith(String(filter.suffix));
  if ('equals-ignore-case' in filter)
    return (
      typeof value === 'string' && value.toLowerCase() === String(filter['equals-ignore-case']).toLowerCase()
    );
  if ('wildcard' in filter) {
    const pattern = String(filter.wildcard)
      .replace(/[.+?^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*');
    return typeof value === 'string' && new RegExp(`^${pattern}$`).test(value);
  }
  if ('anything-but' in filter) {
    const excluded = filter['anything-but'];
    if (Array.isArray(excluded)) return value !== undefined && !excluded.includes(value);
    if (excluded !== null && typeof excluded === 'object')
      return value !== undefined && !matchesFilter(excluded as Record<string, unknown>, value);
    return value !== undefined && value !== excluded;
  }
  if ('numeric' in filter) {
    if (typeof value !== 'number') return false;
    const conditions = filter.numeric as unknown[];
    for (let index = 0; index < conditions.length; index += 2) {
      const operator = conditions[index];
      const bound = Number(conditions[index + 1]);
      const ok =
        (operator === '=' && value === bound) ||
        (operator === '>' && value > bound) ||
        (operator === '>=' && value >= bound) ||
        (operator === '<' && value < bound) ||
        (operator === '<=' && value <= bound);
      if (!ok) return false;
    }
    return true;
  }
  return false;
}

/** The period of an EventBridge `rate(...)` expression, in ms. */
export function ratePeriodMs(expression: string): number | undefined {
  const match = /^rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)$/.exec(expression.trim());
  if (!match) return undefined;
  const unit = match[2]!.startsWith('minute')
    ? 60_000
    : match[2]!.startsWith('hour')
      ? 3_600_000
      : 86_400_000;
  return Number(match[1]) * unit;
}
