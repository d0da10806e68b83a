import type { Construct } from 'constructs';
import type { PlatformConfig } from '../../functions/shared/config';
import { PlatformAlarms } from './alarms';
import type { SeverityTopics } from './alert-topics';
import { PlatformDashboard } from './dashboard';
import { EndpointAlarms } from './endpoint-alarms';
import type { PlatformResourceNames } from './platform-metrics';

export interface PlatformMonitoringProps {
  /** The validated platform configuration: `alarms`, `endpoints`, the database instance class. */
  readonly config: PlatformConfig;
  /** The names CloudWatch knows the data tier's resources by. */
  readonly resourceNames: PlatformResourceNames;
  readonly topics: SeverityTopics;
}

/**
 * The data tier's alarms (from the config's thresholds), the per-endpoint alarms, and the
 * dashboard that shows them all. Not a construct scope of its own, so the alarms and the dashboard
 * keep the logical ids they were deployed with (see `PlatformDataTier`).
 */
export class PlatformMonitoring {
  readonly alarms: PlatformAlarms;
  readonly endpointAlarms: EndpointAlarms;
  readonly dashboard: PlatformDashboard;

  constructor(scope: Construct, props: PlatformMonitoringProps) {
    const { config, resourceNames, topics } = props;
    this.alarms = new PlatformAlarms(scope, 'Alarms', {
      ...resourceNames,
      settings: config.alarms,
      topics,
      databaseInstanceClass: config.database.instanceClass,
    });
    this.endpointAlarms = new EndpointAlarms(scope, 'EndpointAlarms', { settings: config.endpoints, topics });
    this.dashboard = new PlatformDashboard(scope, 'Dashboard', {
      ...resourceNames,
      alarms: [...this.alarms.alarms, ...this.endpointAlarms.alarms].map((entry) => entry.alarm),
      dashboardName: `${config.name}-platform`,
      extraWidgets: this.endpointAlarms.widgets().map((row) => [row]),
    });
  }
}
