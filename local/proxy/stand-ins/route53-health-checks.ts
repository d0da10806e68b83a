import type { VirtualClock } from '../../clock/virtual-clock';
import { awsError, restXmlResult, type XmlValue } from '../aws-responses';
import type { FaultProxy } from '../fault-proxy';

const NAMESPACE = 'https://route53.amazonaws.com/doc/2013-04-01/';
const CHECKER_REGIONS = [
  'us-east-1',
  'us-west-1',
  'us-west-2',
  'eu-west-1',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-northeast-1',
  'sa-east-1',
];
const UPDATABLE = [
  'Inverted',
  'Disabled',
  'FailureThreshold',
  'ResourcePath',
  'Port',
  'FullyQualifiedDomainName',
  'EnableSNI',
  'IPAddress',
  // A calculated check's threshold: the region failover function's DNS gate (lib/regional/regional-dns.ts).
  'HealthThreshold',
] as const;

/** What a health checker saw on one probe. */
export interface ProbeResult {
  readonly ok: boolean;
  /** `HTTP Status Code 200, OK`, or why the probe failed. */
  readonly detail: string;
}

/** Probes an endpoint the way Route 53's checkers do (HTTPS GET of the resource path). */
export type EndpointProber = (url: string) => Promise<ProbeResult>;

interface HealthCheck {
  readonly id: string;
  readonly config: Record<string, XmlValue>;
  version: number;
  failures: number;
  successes: number;
  /** Route 53's own view, after the failure threshold, before inversion. */
  healthy: boolean;
  last?: { readonly at: number; readonly result: ProbeResult };
}

function readTag(xml: string, tag: string): string | undefined {
  return new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml)?.[1];
}

/**
 * Route 53 health checks as AWS documents them, where moto keeps the version at 1 whatever
 * changes and answers `GetHealthCheckStatus` with a fixed success: here `UpdateHealthCheck`
 * checks `HealthCheckVersion` (a stale one is `HealthCheckVersionMismatch`) and increments it,
 * and checkers in eight regions probe the endpoint every `RequestInterval` seconds of the virtual
 * clock; `GetHealthCheckStatus` reports their last observations, and the check turns unhealthy
 * after `FailureThreshold` failures in a row (healthy again after as many successes).
 */
export class Route53HealthChecks {
  private readonly checks = new Map<string, HealthCheck>();

  constructor(
    private readonly clock: VirtualClock,
    private readonly probe: EndpointProber,
  ) {}

  /** Adds a deployed health check with its `HealthCheckConfig`. */
  add(id: string, config: Record<string, XmlValue>): void {
    this.checks.set(id, { id, config: { ...config }, version: 1, failures: 0, successes: 0, healthy: true });
  }

  /** The probe interval of a check, in ms. */
  intervalMs(id: string): number {
    return Number(this.get(id).config.RequestInterval ?? 30) * 1000;
  }

  /** Whether Route 53 routes to the record this check guards: its health, inverted if set; disabled is healthy. */
  routable(id: string): boolean {
    const check = this.get(id);
    if (check.config.Disabled === true || check.config.Disabled === 'true') return true;
    const inverted = check.config.Inverted === true || check.config.Inverted === 'true';
    return check.healthy !== inverted;
  }

  /** The check's version (incremented by every update). */
  version(id: string): number {
    return this.get(id).version;
  }

  inverted(id: string): boolean {
    const value = this.get(id).config.Inverted;
    return value === true || value === 'true';
  }

  /** One round of the checkers. */
  async check(id: string): Promise<void> {
    const check = this.get(id);
    const { config } = check;
    const scheme = String(config.Type ?? 'HTTPS').startsWith('HTTPS') ? 'https' : 'http';
    const url = `${scheme}://${String(config.FullyQualifiedDomainName)}:${String(config.Port ?? 443)}${String(config.ResourcePath ?? '/')}`;
    const result = await this.probe(url);
    check.last = { at: this.clock.now(), result };
    const threshold = Number(config.FailureThreshold ?? 3);
    if (result.ok) {
      check.successes++;
      check.failures = 0;
      if (check.successes >= threshold) check.healthy = true;
    } else {
      check.failures++;
      check.successes = 0;
      if (check.failures >= threshold) check.healthy = false;
    }
  }

  private get(id: string): HealthCheck {
    const check = this.checks.get(id);
    if (!check) throw new Error(`no health check ${id}`);
    return check;
  }

  private describe(check: HealthCheck): Record<string, XmlValue> {
    return {
      Id: check.id,
      CallerReference: check.id,
      HealthCheckConfig: check.config,
      HealthCheckVersion: check.version,
    };
  }

  install(proxy: FaultProxy): void {
    proxy.intercept('route53', 'GetHealthCheck', async (request, forward) => {
      const check = this.checks.get(String(request.params.HealthCheckId));
      if (!check) return forward();
      return restXmlResult('GetHealthCheckResponse', NAMESPACE, { HealthCheck: this.describe(check) });
    });
    proxy.intercept('route53', 'UpdateHealthCheck', async (request, forward) => {
      const check = this.checks.get(String(request.params.HealthCheckId));
      if (!check) return forward();
      const body = request.body.toString('utf8');
      const version = readTag(body, 'HealthCheckVersion');
      if (version !== undefined && Number(version) !== check.version) {
        return {
          ...awsError(
            'rest-xml',
            409,
            'HealthCheckVersionMismatch',
            "The value of HealthCheckVersion in the request doesn't match the value of HealthCheckVersion in the health check.",
          ),
        };
      }
      const forwarded = await forward();
      if (forwarded.status !== 200) return forwarded;
      for (const field of UPDATABLE) {
        const value = readTag(body, field);
        if (value !== undefined)
          check.config[field] = value === 'true' ? true : value === 'false' ? false : value;
      }
      check.version++;
      return restXmlResult('UpdateHealthCheckResponse', NAMESPACE, { HealthCheck: this.describe(check) });
    });
    proxy.intercept('route53', 'GetHealthCheckStatus', async (request, forward) => {
      const check = this.checks.get(String(request.params.HealthCheckId));
      if (!check) return forward();
      const last = check.last;
      const status = last
        ? `${last.result.ok ? 'Success' : 'Failure'}: ${last.result.detail}`
        : 'Success: HTTP Status Code 200, OK';
      const checkedTime = new Date(last?.at ?? this.clock.now());
      return restXmlResult(
        'GetHealthCheckStatusResponse',
        NAMESPACE,
        {
          HealthCheckObservations: CHECKER_REGIONS.map((region, index) => ({
            Region: region,
            IPAddress: `15.177.${index * 2}.${10 + index}`,
            StatusReport: { Status: status, CheckedTime: checkedTime },
          })),
        },
        { HealthCheckObservations: 'HealthCheckObservation' },
      );
    });
  }
}
