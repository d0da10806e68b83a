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
  usage:
    'misybot-ha queries advise --database-url URL [--min-calls N] [--min-mean-ms MS] [--log FILE [--format F] [--prefix P]] [--json]',
  summary:
    'Index recommendations proved with hypothetical indexes (hypopg), plus unused and duplicate indexes',
  options: {
    'database-url': { type: 'string' },
    'min-calls': { type: 'string' },
    'min-mean-ms': { type: 'string' },
    log: { type: 'string' },
    format: { type: 'string' },
    prefix: { type: 'string' },
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

const regionTarget = {
  function: { type: 'string' },
  region: { type: 'string' },
  json: { type: 'boolean' },
} as const;
const regionOperation = {
  ...regionTarget,
  reason: { type: 'string' },
  execute: { type: 'boolean' },
  confirm: { type: 'boolean' },
} as const;
const regionUsage = (name: string, extra = '') =>
  `misybot-ha region ${name} --function NAME --region STANDBY${name === 'status' ? '' : ' --reason TEXT [--execute]'}${extra}${name === 'status' ? '' : ' [--id ID]'} [--json]`;

/** `region status` and one command per operation of the region failover function. */
export const regionSpecs: readonly CommandSpec[] = [
  {
    group: 'region',
    name: 'status',
    usage: regionUsage('status'),
    summary: 'What the region engine sees now and would decide (changes nothing)',
    options: regionTarget,
  },
  {
    group: 'region',
    name: 'switchover',
    usage: regionUsage('switchover'),
    summary: 'Planned switch to the standby region, no data loss (dry run unless --execute)',
    options: regionOperation,
  },
  {
    group: 'region',
    name: 'failover',
    usage: regionUsage('failover', ' [--confirm]'),
    summary:
      'Unplanned failover, may lose the replication lag (dry run unless --execute; --confirm past failed guards)',
    options: regionOperation,
  },
  {
    group: 'region',
    name: 'failback',
    usage: regionUsage('failback'),
    summary: 'Planned switch back to the configured primary region (dry run unless --execute)',
    options: regionOperation,
  },
  {
    group: 'region',
    name: 'drill',
    usage: regionUsage('drill'),
    summary: 'Switchover to the standby and back, timed (dry run unless --execute)',
    options: regionOperation,
  },
];
