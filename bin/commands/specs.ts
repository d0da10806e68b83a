import type { CommandSpec } from './command';

/** Where `health check` looks when no `--config` is given. */
export const DEFAULT_HEALTH_CHECKS_FILE = 'health-checks.json';

// What `--help` prints lives apart from the commands themselves: listing them must not load zod,
// pg and the WebAssembly SQL parser (the compiled CLI starts in about the time Node itself takes).

export const queriesAnalyzeSpec: CommandSpec = {
  group: 'queries',
  name: 'analyze',
  usage:
    'misybot-ha queries analyze --log FILE [--format auto|stderr|csvlog|jsonlog] [--prefix P] [--top N] [--json]',
  summary: 'Slowest normalised queries in a Postgres log (log_min_duration_statement), by total time',
  options: {
    log: { type: 'string' },
    format: { type: 'string' },
    prefix: { type: 'string' },
    top: { type: 'string' },
    json: { type: 'boolean' },
  },
};

export const queriesAdviseSpec: CommandSpec = {
  group: 'queries',
  name: 'advise',
  usage: 'misybot-ha queries advise --database-url URL [--min-calls N] [--min-mean-ms MS] [--json]',
  summary:
    'Index recommendations proved with hypothetical indexes (hypopg), plus unused and duplicate indexes',
  options: {
    'database-url': { type: 'string' },
    'min-calls': { type: 'string' },
    'min-mean-ms': { type: 'string' },
    json: { type: 'boolean' },
  },
};

export const scalingSimulateSpec: CommandSpec = {
  group: 'scaling',
  name: 'simulate',
  usage: 'misybot-ha scaling simulate --trace FILE [--policy FILE] [--json]',
  summary: 'Replay a load trace through the engine, EC2 target tracking, the HPA and an oracle',
  options: {
    trace: { type: 'string' },
    policy: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
};

export const healthCheckSpec: CommandSpec = {
  group: 'health',
  name: 'check',
  usage: 'misybot-ha health check [--config FILE] [--json]',
  summary: `Run the HTTP/TCP checks of a health-check file once (default ./${DEFAULT_HEALTH_CHECKS_FILE})`,
  options: { config: { type: 'string' }, json: { type: 'boolean', default: false } },
};

export const configValidateSpec: CommandSpec = {
  group: 'config',
  name: 'validate',
  usage: 'misybot-ha config validate FILE [--json]',
  summary: 'Validate a platform configuration file against the schema',
  options: { json: { type: 'boolean', default: false } },
};
