import type { PlatformModel } from '../account/platform-model';
import { createCertificateAuthority, type LocalCertificateAuthority } from '../network/certificates';
import { type ReceivedRequest, type SiteAnswer, startHttpsSite } from '../network/https-sites';
import type { Routes } from '../network/local-client';
import {
  type LocalEndpoint,
  startPostgresTlsProxy,
  startTcpRouter,
  startTlsRelay,
} from '../network/tls-relay';
import { WEBHOOK_HOSTS, WebhookReceiver } from '../network/webhook-receiver';

/** The local services the network routes to. */
export interface Backends {
  readonly postgres?: { readonly host: string; readonly port: number };
  readonly redis?: { readonly host: string; readonly port: number };
}

/** What decides the public name's answer: Route 53's failover between the two records. */
export interface DnsFailover {
  /** The name users resolve (`api.example.com`). */
  readonly name: string;
  /** True while Route 53 answers with the PRIMARY record. */
  readonly primaryServes: () => boolean;
}

/** How the load balancer answers: its `/health` from the fleet, or a scenario's override. */
export type LoadBalancerBehaviour = (request: ReceivedRequest) => Promise<SiteAnswer>;

/** The emulated network of one platform: its names, certificates, sites and relays. */
export interface EmulatedNetwork {
  readonly ca: LocalCertificateAuthority;
  readonly routes: Routes;
  readonly receiver: WebhookReceiver;
  /** The load balancer's DNS name. */
  readonly loadBalancerName: string;
  /** Each TLS session the RDS Proxy endpoint accepted, by the name the client verified (SNI). */
  readonly databaseSessions: string[];
  close(): Promise<void>;
}

const MAINTENANCE_PAGE = 'MisyBot is down for maintenance; we will be back shortly.';

/**
 * Builds the network the functions see: the load balancer (its DNS name and the public name
 * behind Route 53 failover, with the maintenance site as secondary), the chat webhooks, the RDS
 * Proxy and ElastiCache endpoints, each on a loopback port with a certificate for its AWS name.
 */
export async function startEmulatedNetwork(
  workDir: string,
  model: PlatformModel,
  backends: Backends,
  loadBalancer: LoadBalancerBehaviour,
  dns: DnsFailover | undefined,
  now: () => number,
): Promise<EmulatedNetwork> {
  const ca = await createCertificateAuthority(workDir);
  const balancer = model.only('AWS::ElasticLoadBalancingV2::LoadBalancer');
  const loadBalancerName = String(balancer.attributes.DNSName).toLowerCase();
  const proxyEndpoint = model.deployment.ofType('AWS::RDS::DBProxy')[0]?.attributes.Endpoint as
    | string
    | undefined;
  const cacheNames = model.deployment.ofType('AWS::ElastiCache::ReplicationGroup').flatMap((group) => {
    const primary = String(group.attributes['PrimaryEndPoint.Address']);
    return [primary, String(group.attributes['ReaderEndPoint.Address'])];
  });
  const subscriptionHosts = model.subscriptions
    .filter((s) => s.protocol === 'https')
    .map((s) => new URL(s.endpoint).hostname);
  const webHosts = [WEBHOOK_HOSTS.slack, WEBHOOK_HOSTS.teams, ...subscriptionHosts];
  const publicNames = dns ? [dns.name] : [];
  const credentials = await ca.issue([
    loadBalancerName,
    `dualstack.${loadBalancerName}`,
    ...publicNames,
    ...webHosts,
    ...(proxyEndpoint ? [proxyEndpoint] : []),
    ...cacheNames,
  ]);
  const endpoints: LocalEndpoint[] = [];
  const routes: Record<string, { host: string; port: number }> = {};
  const route = (name: string, port: number, endpoint: LocalEndpoint) => {
    routes[`${name.toLowerCase()}:${port}`] = { host: '127.0.0.1', port: endpoint.port };
  };

  const site = await startHttpsSite(credentials, loadBalancer, now);
  endpoints.push(site);
  route(loadBalancerName, 443, site);
  route(`dualstack.${loadBalancerName}`, 443, site);
  const receiver = new WebhookReceiver();
  const hooks = await startHttpsSite(credentials, receiver.handle, now);
  endpoints.push(hooks);
  for (const host of webHosts) route(host, 443, hooks);
  if (dns) {
    const maintenance = await startHttpsSite(
      credentials,
      async () => ({ status: 503, body: MAINTENANCE_PAGE, headers: { 'retry-after': '300' } }),
      now,
    );
    endpoints.push(maintenance);
    const edge = await startTcpRouter(() => ({
      host: '127.0.0.1',
      port: dns.primaryServes() ? site.port : maintenance.port,
    }));
    endpoints.push(edge);
    route(dns.name, 443, edge);
  }
  const databaseSessions: string[] = [];
  if (proxyEndpoint && backends.postgres) {
    const target = backends.postgres;
    const proxy = await startPostgresTlsProxy(
      credentials,
      () => target,
      (name) => databaseSessions.push(name),
    );
    endpoints.push(proxy);
    route(proxyEndpoint, 5432, proxy);
  }
  if (backends.redis) {
    const target = backends.redis;
    const relay = await startTlsRelay(credentials, () => target);
    endpoints.push(relay);
    for (const group of model.deployment.ofType('AWS::ElastiCache::ReplicationGroup')) {
      const port = Number(group.attributes['PrimaryEndPoint.Port']);
      route(String(group.attributes['PrimaryEndPoint.Address']), port, relay);
      route(String(group.attributes['ReaderEndPoint.Address']), port, relay);
    }
  }
  return {
    ca,
    routes,
    receiver,
    loadBalancerName,
    databaseSessions,
    close: async () => {
      await Promise.all(endpoints.map((endpoint) => endpoint.close()));
    },
  };
}
