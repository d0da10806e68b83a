import { intRange } from './primitives';
import * as z from './zod';

// The failover function validates these settings at its cold start: in a module of their own, it
// builds only them, not the whole platform schema.

export const secondaryTargetSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    /** A standby ALB, a CloudFront distribution or an S3 website endpoint, as an alias. */
    kind: z.literal('alias'),
    dnsName: z.string().check(z.regex(/^([a-zA-Z0-9-]+\.)+[a-zA-Z]{2,}\.?$/, 'must be a DNS name')),
    hostedZoneId: z.string().check(z.regex(/^Z[A-Z0-9]{5,31}$/, 'must be the alias target hosted zone id')),
    description: z._default(z.string().check(z.maxLength(200)), 'standby'),
  }),
  z.strictObject({
    /** A static maintenance site served from fixed addresses. */
    kind: z.literal('ipv4'),
    addresses: z.array(z.ipv4({ error: 'must be an IPv4 address' })).check(z.minLength(1), z.maxLength(8)),
    description: z._default(z.string().check(z.maxLength(200)), 'maintenance site'),
  }),
]);

export const failoverSchema = z.strictObject({
  /** Where DNS sends traffic when the primary ALB fails its health check; needs `domain`. */
  secondary: z.optional(secondaryTargetSchema),
  /** Route 53 health-check interval: 10 (fast) or 30 seconds. @default 30 */
  healthCheckIntervalSeconds: z._default(
    z.union([z.literal(10), z.literal(30)], { error: 'must be 10 or 30' }),
    30,
  ),
  /** @default 3 */
  failureThreshold: z._default(intRange(1, 10), 3),
  /** The failover engine's evidence: the primary unhealthy at least this long before an automatic failover. @default 60 */
  minUnhealthySeconds: z._default(intRange(0, 3600), 60),
  /** TTL of non-alias failover records. @default 60 */
  ttlSeconds: z._default(intRange(0, 86400), 60),
  /** Fail back on recovery without an operator. @default false */
  autoFailback: z._default(z.boolean(), false),
  /** The primary must be healthy this long before failback. @default 300 */
  holdDownSeconds: z._default(intRange(0, 86400), 300),
  /** Automatic failovers allowed per hour before a human must act. @default 2 */
  maxAutomaticFailoversPerHour: z._default(intRange(0, 60), 2),
  /** @default 10 */
  maxReplicaLagSeconds: z._default(intRange(0, 3600), 10),
  /** Consecutive healthy checks of the primary before failback. @default 3 */
  recoveryConsecutiveChecks: z._default(intRange(1, 100), 3),
  /** Automatic failovers start at least this long after the previous switch. @default 600 */
  minSecondsBetweenFailovers: z._default(intRange(0, 86400), 600),
  /** A standby needs at least this fraction of the primary's capacity. @default 0.5 */
  standbyCapacityFraction: z._default(z.number().check(z.gte(0), z.lte(1)), 0.5),
  /** Deadline of each failover action, waits included. @default 300 */
  actionTimeoutSeconds: z._default(intRange(10, 840), 300),
  /** ElastiCache TestFailover calls allowed per rolling 24 hours (AWS caps them per account). @default 5 */
  maxTestFailoversPer24Hours: z._default(intRange(0, 15), 5),
  /** The Aurora reader to promote when it passes the pre-checks; otherwise the one with the lowest lag. */
  preferredDatabaseTarget: z.optional(
    z.string().check(z.regex(/^[a-zA-Z][a-zA-Z0-9-]{0,62}$/, 'must be a DB instance identifier')),
  ),
});
