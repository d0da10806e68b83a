/** Set by the e2e project's globalSetup; jest workers inherit them. */
export const E2E_ENV = {
  assembly: 'MISYBOT_E2E_ASSEMBLY',
  emulator: 'MISYBOT_E2E_EMULATOR',
  postgres: 'MISYBOT_E2E_POSTGRES',
  redis: 'MISYBOT_E2E_REDIS',
} as const;

/**
 * Configuration variants synthesized beside the default, each as its own stack: scenario 3 runs
 * the database failover both ways.
 */
export const E2E_VARIANTS = { autofailback: { failover: { autoFailback: true } } } as const;

/** The PostgreSQL server behind the emulated RDS Proxy. */
export interface PostgresBackend {
  readonly host: string;
  readonly port: number;
}

/** The Redis server behind the emulated ElastiCache endpoint, with its AUTH password. */
export interface RedisBackend {
  readonly host: string;
  readonly port: number;
  readonly password: string;
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(
      `${name} is not set: the e2e suite's servers and assembly come from test/e2e/harness/global-setup.ts; run it through jest (npx jest --selectProjects e2e)`,
    );
  }
  return value;
}

/** What globalSetup prepared: the synthesized assembly and the shared servers. */
export function e2eEnvironment(): {
  assemblyDir: string;
  emulatorUrl: string;
  postgres: PostgresBackend;
  redis: RedisBackend;
} {
  return {
    assemblyDir: required(E2E_ENV.assembly),
    emulatorUrl: required(E2E_ENV.emulator),
    postgres: JSON.parse(required(E2E_ENV.postgres)) as PostgresBackend,
    redis: JSON.parse(required(E2E_ENV.redis)) as RedisBackend,
  };
}
