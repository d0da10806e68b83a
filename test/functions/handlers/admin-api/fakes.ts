import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type {
  AuditEntry,
  AuditOutcome,
  GroupCapacity,
  TargetGroupView,
} from '../../../../functions/core/admin/ports';
import { type AdminDeps, adminSettingsSchema } from '../../../../functions/core/admin/settings';
import type { Incident as HealthIncident } from '../../../../functions/core/alerting/incident';
import type { Silence } from '../../../../functions/core/alerting/silences';
import type { FailoverResult } from '../../../../functions/core/failover/service';
import { type FailoverState, type Incident, initialState } from '../../../../functions/core/failover/types';
import type { CheckState } from '../../../../functions/core/health/state-machine';
import type { Observability } from '../../../../functions/handlers/admin-api/app';
import { lambdaTracingOnly } from '../../../../functions/shared/tracing';
import { type MemoryRecord, memoryIdempotency } from '../../../support/memory-coordination';
import { aRunRecord } from '../../../support/run-record';

export const NOW = Date.UTC(2026, 2, 1, 12, 0, 0);
export const GROUP = 'misybot-fleet';

/** Powertools that print nothing: metrics disabled, logger silent, tracer off. */
export function quietObservability(): Observability {
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  return {
    logger: new Logger({ logLevel: 'SILENT' }),
    metrics: new Metrics({ namespace: 'Test' }),
    tracer: lambdaTracingOnly,
  };
}

/** The in-memory state behind the fake ports, and every call to a port that changes something. */
export interface FakeWorld {
  readonly mutations: string[];
  readonly audit: { entry: AuditEntry; outcome?: AuditOutcome }[];
  /** The `Idempotency-Key` records, as the state table would keep them. */
  readonly keys: Map<string, MemoryRecord>;
  readonly silences: Map<string, Silence>;
  group: GroupCapacity;
  targetGroups: TargetGroupView[];
  checkStates: Map<string, CheckState>;
  healthIncidents: HealthIncident[];
  failoverStates: FailoverState[];
  failoverIncidents: Incident[];
  override?: { policy: unknown; updatedAt?: string; updatedBy?: string };
  decisions: Record<string, unknown>[];
  report?: Record<string, unknown>;
  failoverPlan: FailoverResult;
  scalingAnswer: unknown;
  lockFree: boolean;
  cacheUp: boolean;
}

export function failoverPlan(overrides: Partial<FailoverResult> = {}): FailoverResult {
  return {
    status: 'dry-run',
    component: 'database',
    eventId: 'command:req',
    verdict: 'dry-run',
    reason: 'would promote db-2',
    plan: [{ kind: 'aurora-failover', targetInstance: 'db-2' }],
    checks: [{ guard: 'target-healthy', passed: true, detail: 'db-2 healthy' }],
    executed: [],
    notifications: [],
    record: aRunRecord(),
    ...overrides,
  };
}

/** A full AdminDeps over in-memory fakes; `world` shows what happened. */
export function fakeDeps(overrides: Partial<AdminDeps> = {}): { deps: AdminDeps; world: FakeWorld } {
  const keys = memoryIdempotency(Date.now);
  const world: FakeWorld = {
    mutations: [],
    audit: [],
    keys: keys.records,
    silences: new Map(),
    group: {
      name: GROUP,
      minCapacity: 2,
      maxCapacity: 10,
      desiredCapacity: 3,
      instances: [{ id: 'i-1', lifecycleState: 'InService', healthStatus: 'Healthy' }],
    },
    targetGroups: [
      {
        name: 'primary',
        arn: 'arn:tg/primary',
        weight: 100,
        algorithm: 'least_outstanding_requests',
        anomalyMitigation: false,
        targets: [{ id: 'i-1', port: 8080, state: 'healthy' }],
      },
      {
        name: 'canary',
        arn: 'arn:tg/canary',
        weight: 0,
        algorithm: 'least_outstanding_requests',
        anomalyMitigation: false,
        targets: [],
      },
    ],
    checkStates: new Map(),
    healthIncidents: [],
    failoverStates: [],
    failoverIncidents: [],
    decisions: [],
    failoverPlan: failoverPlan(),
    scalingAnswer: { ok: true, status: 'decided' },
    lockFree: true,
    cacheUp: true,
  };
  const record = (name: string) => world.mutations.push(name);
  /** Records a call to a port, then answers `value`. */
  const recorded = <T>(name: string, value: T): T => {
    record(name);
    return value;
  };
  const settings = adminSettingsSchema.parse({
    health: {
      components: [{ id: 'api' }, { id: 'database' }],
      checks: [
        { id: 'api-http', component: 'api', critical: true, description: 'public endpoint' },
        { id: 'db-writer', component: 'database' },
      ],
    },
    autoScalingGroupName: GROUP,
    failoverComponents: ['database', 'cache'],
    targetGroupNames: ['primary', 'canary'],
  });
  const deps: AdminDeps = {
    settings,
    clock: () => NOW,
    onAuditError: () => record('onAuditError'),
    onLockReleaseError: () => record('onLockReleaseError'),
    lock: {
      acquire: async (name) => recorded(`lock.acquire ${name}`, world.lockFree),
      release: async () => undefined,
    },
    audit: {
      begin: async (entry) => void world.audit.push({ entry }),
      finish: async (entry, outcome) => {
        const found = world.audit.find((a) => a.entry.id === entry.id);
        if (found) found.outcome = outcome;
      },
    },
    idempotency: keys,
    readModel: {
      checkStates: async (ids) => new Map([...world.checkStates].filter(([id]) => ids.includes(id))),
      healthIncidents: async () => world.healthIncidents,
      healthIncident: async (id) => world.healthIncidents.find((i) => i.id === id),
      silences: async () => [...world.silences.values()],
    },
    silences: {
      putSilence: async (silence) => recorded('putSilence', void world.silences.set(silence.id, silence)),
      removeSilence: async (id) => recorded('removeSilence', world.silences.delete(id)),
    },
    failover: {
      states: async (components) =>
        components.map((c) => world.failoverStates.find((s) => s.component === c) ?? initialState(c, NOW)),
      incidents: async () => world.failoverIncidents,
      incident: async (id) => world.failoverIncidents.find((i) => i.id === id),
    },
    failoverCommander: {
      run: async (command) => recorded(`failover.run dryRun=${command.dryRun}`, world.failoverPlan),
      dispatch: async (command) => void record(`failover.dispatch dryRun=${command.dryRun}`),
    },
    scaling: {
      group: async (name) => (name === GROUP ? world.group : undefined),
      record: async () => ({
        ...(world.override ? { override: world.override } : {}),
        decisions: world.decisions,
      }),
      savePolicy: async (_name, override) => {
        record('savePolicy');
        world.override = override;
      },
      setCapacity: async (_name, desired) => {
        record(`setCapacity ${desired}`);
        world.group = { ...world.group, desiredCapacity: desired };
      },
    },
    scalingEvaluator: { evaluate: async () => recorded('evaluate', world.scalingAnswer) },
    loadBalancer: {
      describe: async () => ({ listenerArn: 'arn:listener', targetGroups: world.targetGroups }),
      setAlgorithm: async (algorithm) => recorded(`setAlgorithm ${algorithm}`, undefined),
      setWeights: async (weights) => {
        record(`setWeights ${weights.map((w) => `${w.targetGroup}=${w.weight}`).join(',')}`);
      },
    },
    queryReports: { latest: async () => world.report },
    queryAnalyzer: { requestAnalysis: async () => void record('requestAnalysis') },
    cacheStats: {
      stats: async () => [{ namespace: 'answers', hits: 90, misses: 10, staleServes: 0, errors: 0 }],
    },
    cacheInvalidator: { invalidate: async (ns) => recorded(`invalidate ${ns}`, world.cacheUp) },
    regions: {
      commander: {
        status: async () => ({ status: 'busy', reason: 'a switch holds the lease' }),
        run: async (command) =>
          recorded(`region.run dryRun=${command.dryRun}`, {
            status: 'busy',
            reason: 'a switch holds the lease',
          }),
        dispatch: async (command) => void record(`region.dispatch dryRun=${command.dryRun}`),
      },
      state: { state: async () => undefined },
    },
    ...overrides,
  };
  return { deps, world };
}

/** The mutating port calls, without reads, locks and audit/idempotency bookkeeping. */
export const changes = (world: FakeWorld) =>
  world.mutations.filter(
    (m) => !m.startsWith('lock.') && !m.startsWith('failover.run') && !m.startsWith('region.run'),
  );
