import { seededRandom } from '@misybot-ha/balancing';
import type { AwsRequest } from './aws-request';

/** What goes wrong with a matching call. */
export type Fault =
  /** The service throttles: `ThrottlingException` (JSON), `Throttling` (query, Route 53), 429 (Lambda). */
  | { readonly kind: 'throttle'; readonly code?: string }
  /** The service fails: 500 `InternalFailure` or 503 `ServiceUnavailable` unless `code` says otherwise. */
  | { readonly kind: 'server-error'; readonly status?: 500 | 502 | 503; readonly code?: string }
  /** The call waits this long (real milliseconds) before it reaches the service. */
  | { readonly kind: 'latency'; readonly ms: number }
  /** The connection is reset before any answer. */
  | { readonly kind: 'reset' };

/** Which calls a rule applies to, and how often. */
export interface FaultRule {
  /** A name for the report. */
  readonly name?: string;
  /** SigV4 service name: `autoscaling`, `monitoring`, `dynamodb`, `rds`, `elasticache`, `sns`, ... */
  readonly service?: string;
  /** The operation, exactly or as a pattern. */
  readonly operation?: string | RegExp;
  /** Only calls made by this function (physical name). */
  readonly caller?: string;
  /** Further conditions on the call (e.g. a DynamoDB key prefix). */
  readonly when?: (request: AwsRequest) => boolean;
  readonly fault: Fault;
  /** Matching calls passed over before the fault applies. @default 0 */
  readonly skip?: number;
  /** How many matching calls get the fault. @default every one */
  readonly times?: number;
  /** Share of matching calls that get it, drawn from the plan's seeded generator. @default 1 */
  readonly probability?: number;
}

/** A fault that was applied, for the scenario's report. */
export interface AppliedFault {
  readonly rule: string;
  readonly service: string;
  readonly operation: string;
  readonly caller?: string;
  readonly fault: Fault['kind'];
  readonly at: number;
}

interface ActiveRule {
  readonly rule: FaultRule;
  seen: number;
  applied: number;
}

/**
 * The faults of a scenario: rules matched against every AWS call the functions make, applied in
 * order (the first match wins), with a seeded generator so a probabilistic plan repeats exactly.
 */
export class FaultPlan {
  private rules: ActiveRule[] = [];
  private random: () => number;
  readonly applied: AppliedFault[] = [];

  constructor(seed = 1) {
    this.random = seededRandom(seed);
  }

  /** Adds rules; returns a function that removes them. */
  add(...rules: FaultRule[]): () => void {
    const active = rules.map((rule) => ({ rule, seen: 0, applied: 0 }));
    this.rules.push(...active);
    return () => {
      this.rules = this.rules.filter((rule) => !active.includes(rule));
    };
  }

  /** Removes every rule and forgets what was applied. */
  clear(seed?: number): void {
    this.rules = [];
    this.applied.length = 0;
    if (seed !== undefined) this.random = seededRandom(seed);
  }

  /** The fault for this call, if a rule says so; counts it as applied. */
  match(request: AwsRequest, caller: string | undefined, now: number): Fault | undefined {
    for (const active of this.rules) {
      const { rule } = active;
      if (rule.service && rule.service !== request.service) continue;
      if (rule.operation !== undefined) {
        const matches =
          typeof rule.operation === 'string'
            ? rule.operation === request.operation
            : rule.operation.test(request.operation);
        if (!matches) continue;
      }
      if (rule.caller && rule.caller !== caller) continue;
      if (rule.when && !rule.when(request)) continue;
      active.seen++;
      if (active.seen <= (rule.skip ?? 0)) continue;
      if (rule.times !== undefined && active.applied >= rule.times) continue;
      if (rule.probability !== undefined && this.random() >= rule.probability) continue;
      active.applied++;
      this.applied.push({
        rule: rule.name ?? `${rule.service ?? '*'}:${String(rule.operation ?? '*')}`,
        service: request.service,
        operation: request.operation,
        ...(caller ? { caller } : {}),
        fault: rule.fault.kind,
        at: now,
      });
      return rule.fault;
    }
    return undefined;
  }
}
