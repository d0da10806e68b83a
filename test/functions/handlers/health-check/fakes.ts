import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import type {
  ComponentHealthChanged,
  ComponentStatusRecord,
  ComponentStatusStore,
  HealthEventPublisher,
} from '../../../../functions/core/health/component-events';

/** Component statuses in memory, with the DynamoDB store's conditional-write contract. */
export class MemoryComponentStatuses implements ComponentStatusStore {
  readonly items = new Map<string, ComponentStatusRecord>();

  async load(components: readonly string[]) {
    return new Map(components.flatMap((c) => (this.items.has(c) ? [[c, this.items.get(c)!] as const] : [])));
  }

  async save(record: Omit<ComponentStatusRecord, 'version'>, expectedVersion: number | undefined) {
    if (this.items.get(record.component)?.version !== expectedVersion) return false;
    this.items.set(record.component, { ...record, version: (expectedVersion ?? 0) + 1 });
    return true;
  }
}

/** The `HealthEventPublisher` port, recording what would go to EventBridge. */
export class RecordingBus implements HealthEventPublisher {
  readonly published: ComponentHealthChanged[] = [];

  async publish(events: readonly ComponentHealthChanged[]) {
    this.published.push(...events);
  }
}

/** What Powertools printed: EMF documents and log lines, parsed. */
export interface CapturedOutput {
  readonly emf: Record<string, unknown>[];
  readonly logs: Record<string, unknown>[];
  readonly raw: string[];
  restore(): void;
}

/**
 * A Logger and a Metrics whose output is captured. Powertools writes to the global console in
 * dev mode, so the console is spied on while the test runs.
 */
export function capturedPowertools(serviceName: string): {
  logger: Logger;
  metrics: Metrics;
  output: CapturedOutput;
} {
  const saved = { dev: process.env.POWERTOOLS_DEV, disabled: process.env.POWERTOOLS_METRICS_DISABLED };
  // Dev mode prints to the global console (which is spied on); it would also turn metrics off.
  process.env.POWERTOOLS_DEV = 'true';
  process.env.POWERTOOLS_METRICS_DISABLED = 'false';
  const logger = new Logger({ serviceName, logLevel: 'DEBUG' });
  const metrics = new Metrics({ namespace: 'MisyBot/HA', serviceName });
  for (const [name, value] of [
    ['POWERTOOLS_DEV', saved.dev],
    ['POWERTOOLS_METRICS_DISABLED', saved.disabled],
  ] as const) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  const raw: string[] = [];
  const spies = (['log', 'info', 'warn', 'error', 'debug', 'trace'] as const).map((method) =>
    jest.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      raw.push(args.map(String).join(' '));
    }),
  );
  const parsed = () =>
    raw.flatMap((line) => {
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
  const output: CapturedOutput = {
    get emf() {
      return parsed().filter((doc) => '_aws' in doc);
    },
    get logs() {
      return parsed().filter((doc) => !('_aws' in doc));
    },
    raw,
    restore: () => {
      for (const spy of spies) spy.mockRestore();
    },
  };
  return { logger, metrics, output };
}

/** A Lambda context with a fixed remaining time. */
export function lambdaContext(remainingMs: number): Context {
  return {
    functionName: 'health-check',
    awsRequestId: 'req-1',
    getRemainingTimeInMillis: () => remainingMs,
  } as unknown as Context;
}
