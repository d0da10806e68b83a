import * as z from '../../../shared/config/zod';
import { FAILOVER_COMPONENTS } from '../../failover/types';

/**
 * Identifier schemas for path and query parameters. Every id is a short run of safe characters
 * that never contains `/` or `..`, so no id can reach outside its own item or key.
 */

const noDotDot = (schema: z.ZodMiniString) =>
  schema.check(z.refine((value) => !value.includes('..'), 'must not contain ".."'));

/** A health check id, as in the health-check config. */
export const checkIdSchema = noDotDot(
  z
    .string()
    .check(
      z.regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'must be 1-64 lower-case letters, digits, ".", "_" or "-"'),
    ),
);

/** A health incident (`api@2025-01-01T00:00:00.000Z`) or failover incident (`database-<event id>`) id. */
export const incidentIdSchema = noDotDot(
  z
    .string()
    .check(
      z.regex(
        /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,199}$/,
        'must be 1-200 letters, digits, ".", "_", ":", "@" or "-", as GET /incidents lists them',
      ),
    ),
);

/** A silence id, as POST /alerts/silences returned it. */
export const silenceIdSchema = z
  .string()
  .check(z.regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, "_" or "-"'));

/** An Auto Scaling group name. */
export const groupNameSchema = noDotDot(
  z
    .string()
    .check(
      z.regex(
        /^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$/,
        'must be an Auto Scaling group name (letters, digits, "._-")',
      ),
    ),
);

/** A component the failover engine manages. */
export const failoverComponentSchema = z.enum(FAILOVER_COMPONENTS);

/** An operation of the `region` component (the CLI's `region <operation>`). */
export const regionOperationSchema = z.enum(['switchover', 'failover', 'failback', 'drill']);

/** A cache namespace, as the cache library accepts it. */
export const cacheNamespaceSchema = noDotDot(
  z
    .string()
    .check(
      z.regex(/^[A-Za-z0-9_:-][A-Za-z0-9_.:-]{0,63}$/, 'must be 1-64 letters, digits, "_", ".", ":" or "-"'),
    ),
);

/** Why an operator makes a change; kept in the audit trail. */
export const reasonSchema = z
  .string()
  .check(
    z.trim(),
    z.minLength(3, 'must say why, in at least 3 characters'),
    z.maxLength(500, 'must be at most 500 characters'),
    z.describe('Why the change is made; recorded in the audit trail'),
  );

/** `Idempotency-Key` header value. */
export const idempotencyKeySchema = z
  .string()
  .check(z.regex(/^[A-Za-z0-9_-]{8,128}$/, 'must be 8-128 letters, digits, "_" or "-" (a UUID works)'));

/** A query string integer such as `?limit=20`. */
export const queryInt = (min: number, max: number, fallback: number) =>
  z.pipe(
    z.optional(
      z.pipe(
        z.pipe(
          z.string().check(z.regex(/^\d{1,6}$/, `must be a whole number from ${min} to ${max}`)),
          z.transform(Number),
        ),
        z.int().check(z.gte(min), z.lte(max)),
      ),
    ),
    z.transform((value) => value ?? fallback),
  );
