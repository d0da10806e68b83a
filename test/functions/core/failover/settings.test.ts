import { chooseTarget } from '../../../../functions/core/failover/guards';
import {
  defaultFailoverSettings,
  resolveFailoverSettings,
} from '../../../../functions/core/failover/settings';

describe('failover settings', () => {
  it('fills every field the platform config does not carry with its documented default', () => {
    const fromConfig = {
      autoFailback: true,
      holdDownSeconds: 600,
      maxAutomaticFailoversPerHour: 1,
      maxReplicaLagSeconds: 5,
      failureThreshold: 2,
      healthCheckIntervalSeconds: 10,
      ttlSeconds: 60,
    };
    expect(resolveFailoverSettings(fromConfig)).toEqual({
      ...defaultFailoverSettings,
      autoFailback: true,
      holdDownSeconds: 600,
      maxAutomaticFailoversPerHour: 1,
      maxReplicaLagSeconds: 5,
      failureThreshold: 2,
    });
  });

  it('keeps a preferred database target only when one is given', () => {
    expect(resolveFailoverSettings({ preferredDatabaseTarget: 'db-3' }).preferredDatabaseTarget).toBe('db-3');
    expect('preferredDatabaseTarget' in resolveFailoverSettings()).toBe(false);
  });

  it('skips the capacity check only when the primary reports no capacity to compare with', () => {
    const settings = resolveFailoverSettings();
    const unknownStandby = chooseTarget(
      'dns',
      {
        primary: { id: 'primary', healthy: false, capacity: 4 },
        standbys: [{ id: 'secondary', healthy: true }],
      },
      settings,
    );
    expect(unknownStandby.target).toBeUndefined();
    const nothingToCompare = chooseTarget(
      'dns',
      { primary: { id: 'primary', healthy: false }, standbys: [{ id: 'secondary', healthy: true }] },
      settings,
    );
    expect(nothingToCompare.target?.id).toBe('secondary');
  });
});
