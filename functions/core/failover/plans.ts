import type { FailoverCoreSettings } from './settings';
import type { Component, FailoverAction, Operation, OperationKind } from './types';

/** Who is involved in a switch: the primary's id and the standby's. */
export interface SwitchParties {
  readonly primary: string;
  readonly target: string;
}

/**
 * The actions that move `component` from its primary to `target`.
 *
 * Automatic DNS and cache failovers only verify: Route 53 already routes around a failing
 * primary health check (the data plane; inverting the check of a dead endpoint would make it
 * look healthy and pull traffic back), and ElastiCache Multi-AZ promotes a replica itself
 * (`TestFailover` is documented as a testing tool, not an operational one). Operators and
 * drills force the switch on a healthy primary.
 */
export function switchAwayActions(
  component: Component,
  parties: SwitchParties,
  automatic: boolean,
  settings: FailoverCoreSettings,
): FailoverAction[] {
  switch (component) {
    case 'dns':
      return automatic
        ? [{ kind: 'verify-dns-routing', expect: 'secondary' }]
        : [{ kind: 'invert-health-check' }, { kind: 'verify-dns-routing', expect: 'secondary' }];
    case 'database':
      return settings.databaseKind === 'aurora-cluster'
        ? [
            { kind: 'aurora-failover', targetInstance: parties.target },
            { kind: 'wait-for-writer', instance: parties.target },
          ]
        : [{ kind: 'rds-reboot-failover' }, { kind: 'wait-for-instance-zone', zone: parties.target }];
    case 'cache':
      return automatic
        ? [{ kind: 'wait-for-cache-primary', formerPrimary: parties.primary }]
        : [
            { kind: 'elasticache-test-failover' },
            { kind: 'wait-for-cache-primary', formerPrimary: parties.primary },
          ];
  }
}

/** The actions that bring `component` back from `parties.target` to `parties.primary`. */
export function switchBackActions(
  component: Component,
  parties: SwitchParties,
  healthCheckInverted: boolean,
  settings: FailoverCoreSettings,
): FailoverAction[] {
  switch (component) {
    case 'dns':
      return healthCheckInverted
        ? [{ kind: 'restore-health-check' }, { kind: 'verify-dns-routing', expect: 'primary' }]
        : [{ kind: 'verify-dns-routing', expect: 'primary' }];
    case 'database':
      return settings.databaseKind === 'aurora-cluster'
        ? [
            { kind: 'aurora-failover', targetInstance: parties.primary },
            { kind: 'wait-for-writer', instance: parties.primary },
          ]
        : [{ kind: 'rds-reboot-failover' }, { kind: 'wait-for-instance-zone', zone: parties.primary }];
    case 'cache':
      return [
        { kind: 'elasticache-test-failover' },
        { kind: 'wait-for-cache-primary', formerPrimary: parties.target },
      ];
  }
}

/** The single read that tells where an operation of `kind` left the component. */
export function verificationAction(
  component: Component,
  kind: OperationKind,
  parties: SwitchParties,
  settings: FailoverCoreSettings,
): FailoverAction {
  const away = kind === 'failover' || kind === 'unpin';
  if (component === 'dns') return { kind: 'verify-dns-routing', expect: away ? 'secondary' : 'primary' };
  if (component === 'cache')
    return { kind: 'wait-for-cache-primary', formerPrimary: away ? parties.primary : parties.target };
  const serving = away ? parties.target : parties.primary;
  return settings.databaseKind === 'aurora-cluster'
    ? { kind: 'wait-for-writer', instance: serving }
    : { kind: 'wait-for-instance-zone', zone: serving };
}

/** The steps of an operation of `kind`, how many of them make the switch, and what they cost. */
export function operationSteps(
  component: Component,
  kind: OperationKind,
  parties: SwitchParties,
  automatic: boolean,
  healthCheckInverted: boolean,
  settings: FailoverCoreSettings,
): Pick<Operation, 'plan' | 'switchSteps' | 'invertsHealthCheck'> {
  if (kind === 'unpin') {
    const plan: FailoverAction[] = [
      { kind: 'restore-health-check' },
      { kind: 'verify-dns-routing', expect: 'secondary' },
    ];
    return { plan, switchSteps: plan.length, invertsHealthCheck: false };
  }
  if (kind === 'failback') {
    const plan = switchBackActions(component, parties, healthCheckInverted, settings);
    return { plan, switchSteps: plan.length, invertsHealthCheck: false };
  }
  const away = switchAwayActions(component, parties, automatic, settings);
  const invertsHealthCheck = away.some((a) => a.kind === 'invert-health-check');
  if (kind === 'failover') return { plan: away, switchSteps: away.length, invertsHealthCheck };
  const back = switchBackActions(component, parties, invertsHealthCheck, settings);
  return { plan: [...away, ...back], switchSteps: away.length, invertsHealthCheck };
}

/** ElastiCache `TestFailover` calls in a plan, for the 24-hour quota. */
export function testFailoverCalls(plan: readonly FailoverAction[]): number {
  return plan.filter((a) => a.kind === 'elasticache-test-failover').length;
}

/** Actions that change a resource, as opposed to reads and waits. */
export function isMutation(action: FailoverAction): boolean {
  return (
    action.kind === 'invert-health-check' ||
    action.kind === 'restore-health-check' ||
    action.kind === 'aurora-failover' ||
    action.kind === 'rds-reboot-failover' ||
    action.kind === 'elasticache-test-failover'
  );
}
