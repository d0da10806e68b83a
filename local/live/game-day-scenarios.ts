/** One scripted game day: faults injected and operator actions taken at offsets from the start. */
export interface GameDayScenario {
  readonly name: string;
  readonly description: string;
  /** The end-to-end scenario (`test/e2e/scenarios`) this game day plays live. */
  readonly counterpart: string;
  /** `[seconds after the baseline, fault name]` (`FAULTS`). */
  readonly faults: readonly (readonly [number, string])[];
  /** `[seconds after the baseline, action name]` (`OPERATOR_ACTIONS`). @default none */
  readonly actions?: readonly (readonly [number, string])[];
  /** How long to watch after the baseline, in seconds. */
  readonly observeSeconds: number;
}

/**
 * The scenarios `npm start -- --scenario NAME` runs: every end-to-end scenario has one, and every
 * fault of the catalogue is injected by at least one.
 */
export const GAME_DAYS: readonly GameDayScenario[] = [
  {
    name: 'instance-loss',
    description: 'An instance of the fleet is killed; the group replaces it a minute later.',
    counterpart: 'health-incident',
    faults: [[0, 'kill-instance']],
    observeSeconds: 150,
  },
  {
    name: 'database-writer-failure',
    description: 'The Aurora writer stops; the control plane fails the cluster over.',
    counterpart: 'database-failover',
    faults: [[0, 'stop-db-writer']],
    observeSeconds: 180,
  },
  {
    name: 'traffic-spike',
    description:
      'Four times the normal traffic for four minutes, scaling out on the measured CPU, then back in.',
    counterpart: 'load-surge',
    faults: [[0, 'spike']],
    // The scale-in waits out its 300 s stabilisation window after the spike's end.
    observeSeconds: 660,
  },
  {
    name: 'traffic-ramp',
    description: 'The traffic climbs to four times normal over six minutes, holds two, then drops.',
    counterpart: 'load-surge',
    faults: [[0, 'ramp']],
    observeSeconds: 510,
  },
  {
    name: 'outage-retry-surge',
    description: 'The database stops answering for 90 s while every client retries each failure three times.',
    counterpart: 'database-failover',
    faults: [[0, 'outage-retry-surge']],
    observeSeconds: 210,
  },
  {
    name: 'flapping-endpoint',
    description: 'The public endpoint flaps 20 s down, 20 s up.',
    counterpart: 'flapping-endpoint',
    faults: [[0, 'flap-endpoint']],
    observeSeconds: 180,
  },
  {
    name: 'dns-failover',
    description: 'The public endpoint answers 503 for three minutes: Route 53 fails the name over.',
    counterpart: 'dns-failover',
    faults: [[0, 'endpoint-down']],
    observeSeconds: 240,
  },
  {
    name: 'cache-failover',
    description:
      'Every Redis packet waits 250 ms for three minutes; a minute in, the operator fails the primary over.',
    counterpart: 'cache-failover',
    faults: [[0, 'slow-cache']],
    actions: [[60, 'admin-cache-failover']],
    observeSeconds: 210,
  },
  {
    name: 'aws-throttling',
    description:
      'Half of every AWS call the functions make is throttled for three minutes; 30 s in, an instance dies.',
    counterpart: 'faults',
    faults: [
      [0, 'aws-throttling'],
      [30, 'kill-instance'],
    ],
    observeSeconds: 180,
  },
  {
    name: 'slow-queries',
    description:
      'The application runs an unindexed query; the slow-query analysis finds it and proposes an index.',
    counterpart: 'slow-queries',
    faults: [],
    actions: [[0, 'slow-query-workload']],
    observeSeconds: 120,
  },
  {
    name: 'admin-api',
    description:
      'An operator pre-scales the fleet to 3 through the admin API (the request sent twice); the scaling function takes it from there.',
    counterpart: 'admin-api',
    faults: [],
    actions: [[0, 'admin-pre-scale']],
    observeSeconds: 180,
  },
];
