import type { PlatformConfigInput } from './platform-config';

/**
 * The embedded demo platform: everything switched on, with documentation-range addresses
 * (example.com, 192.0.2.0/24, +44 7700 900xxx) so it synthesises without an account, credentials
 * or context lookups. Deploy with your own file (`-c config=path.json`).
 */
export const defaultConfigInput: PlatformConfigInput = {
  name: 'misybot',
  environment: { stage: 'dev' },
  domain: {
    zoneName: 'example.com',
    hostedZoneId: 'Z0EXAMPLE0DEMO0ZONE',
    recordName: 'api',
  },
  fleet: { instanceType: 't4g.small', minCapacity: 2, maxCapacity: 10, warmupSeconds: 300 },
  loadBalancing: {
    algorithm: 'least_outstanding_requests',
    targetGroups: [
      { name: 'primary', weight: 100 },
      { name: 'canary', weight: 0 },
    ],
  },
  cache: { nodeType: 'cache.t4g.small', replicas: 1, evictionPolicy: 'allkeys-lru' },
  database: { readers: 1, slowQueryThresholdMs: 500 },
  failover: {
    secondary: {
      kind: 'ipv4',
      addresses: ['192.0.2.10', '192.0.2.11'],
      description: 'static maintenance site',
    },
    healthCheckIntervalSeconds: 10,
    failureThreshold: 3,
  },
  alerting: {
    critical: [
      { protocol: 'email', endpoint: 'oncall@example.com' },
      { protocol: 'sms', endpoint: '+447700900123' },
      { protocol: 'slack', webhookSecretName: 'misybot/alerts/slack-webhook' },
    ],
    warning: [
      { protocol: 'email', endpoint: 'sre@example.com' },
      { protocol: 'teams', webhookSecretName: 'misybot/alerts/teams-webhook' },
    ],
    info: [{ protocol: 'https', endpoint: 'https://hooks.example.com/misybot/info' }],
  },
  waf: { enabled: true },
  endpoints: {
    service: 'chat-api',
    routes: [
      { route: '/chat/:id', method: 'GET', p95Ms: 300, p99Ms: 1000, errorRatePercent: 1 },
      {
        route: '/chat/:id/messages',
        method: 'POST',
        p95Ms: 800,
        p99Ms: 2000,
        errorRatePercent: 2,
        severity: 'critical',
      },
    ],
  },
};
