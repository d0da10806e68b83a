/** What connection limits and demand look like now. */
export interface PoolSizingInput {
  /** The server's `max_connections`. */
  readonly maxConnections: number;
  /** Slots only superusers or rds_superuser can take (`superuser_reserved_connections` + `reserved_connections`). */
  readonly reservedConnections: number;
  /** Connections open now (pg_stat_activity client backends). */
  readonly currentConnections: number;
  /** The Auto Scaling group's maximum size: every instance may hold a full pool. */
  readonly fleetMaxSize: number;
  /** Sum of the reserved concurrency of the Lambdas that use the database (one connection each). */
  readonly lambdaConcurrency: number;
  /** Connections kept back for admins, migrations and the control plane. Default 10 % of max_connections. */
  readonly headroomConnections?: number;
}

/** RDS Proxy and per-instance pool settings, each with the reasoning an operator can check. */
export interface PoolAdvice {
  /** RDS Proxy `MaxConnectionsPercent`. */
  readonly proxyMaxConnectionsPercent: number;
  /** RDS Proxy `MaxIdleConnectionsPercent`. */
  readonly proxyMaxIdleConnectionsPercent: number;
  /** Backend connections the proxy may open. */
  readonly proxyConnectionBudget: number;
  /** Pool size for each application instance (client side of the proxy). */
  readonly perInstancePoolSize: number;
  readonly reasons: string[];
  readonly warnings: string[];
}

/**
 * Sizes the proxy so it can never take the connections reserved for superusers and operators, and
 * splits what the Lambdas leave of the proxy budget evenly over the largest fleet, so a fully
 * scaled-out fleet with every Lambda busy still fits.
 */
export function advisePoolSizing(input: PoolSizingInput): PoolAdvice {
  const reasons: string[] = [];
  const warnings: string[] = [];
  const headroom = input.headroomConnections ?? Math.ceil(input.maxConnections * 0.1);
  const usable = Math.max(0, input.maxConnections - input.reservedConnections - headroom);
  const percent = Math.max(1, Math.min(100, Math.floor((usable / input.maxConnections) * 100)));
  const budget = Math.floor((input.maxConnections * percent) / 100);
  reasons.push(
    `max_connections ${input.maxConnections} − ${input.reservedConnections} reserved − ${headroom} operator headroom ` +
      `= ${usable} usable → MaxConnectionsPercent ${percent} (${budget} connections)`,
  );
  const idlePercent = Math.max(1, Math.floor(percent / 2));
  reasons.push(`MaxIdleConnectionsPercent ${idlePercent}: half the budget stays open idle to absorb bursts`);
  const forFleet = budget - input.lambdaConcurrency;
  const fleet = Math.max(1, input.fleetMaxSize);
  const perInstance = Math.max(1, Math.floor(forFleet / fleet));
  reasons.push(
    `${budget} − ${input.lambdaConcurrency} Lambda concurrency = ${Math.max(0, forFleet)} for the fleet ÷ ` +
      `${fleet} instances at maximum size → pool of ${perInstance} per instance`,
  );
  if (forFleet < fleet) {
    warnings.push(
      `the Lambdas' concurrency (${input.lambdaConcurrency}) leaves the fleet ${Math.max(0, forFleet)} of ${budget} ` +
        'proxy connections: lower reserved concurrency or use a larger instance class',
    );
  }
  const usedPercent = (input.currentConnections / input.maxConnections) * 100;
  if (usedPercent >= 80) {
    warnings.push(
      `${input.currentConnections} of ${input.maxConnections} connections in use (${usedPercent.toFixed(0)} %): ` +
        'clients are close to "too many connections"',
    );
  }
  if (input.currentConnections > budget) {
    warnings.push(
      `${input.currentConnections} connections open now exceed the proposed proxy budget of ${budget}: ` +
        'some clients bypass the proxy',
    );
  }
  return {
    proxyMaxConnectionsPercent: percent,
    proxyMaxIdleConnectionsPercent: idlePercent,
    proxyConnectionBudget: budget,
    perInstancePoolSize: perInstance,
    reasons,
    warnings,
  };
}
