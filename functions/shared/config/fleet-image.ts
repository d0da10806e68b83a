import { intRange } from './primitives';
import * as z from './zod';

// In zod/mini and a module of its own: the region failover function validates `regions`, which
// names a standby image, at its cold start without building the rest of the deploy settings.

/**
 * The machine image of the fleet. An AMI id pins it for good (ids are regional, so the stack
 * needs `environment.region`); an SSM parameter is read by CloudFormation on each deploy, and
 * pinned by naming one of its versions.
 */
export const fleetImageSchema = z.union([
  z.strictObject({
    amiId: z
      .string()
      .check(z.regex(/^ami-[0-9a-f]{8,17}$/, 'must be an AMI id such as "ami-0123456789abcdef0"')),
  }),
  z.strictObject({
    ssmParameter: z
      .string()
      .check(
        z.regex(
          /^\/[A-Za-z0-9_.\-/]{1,1010}$/,
          'must be an SSM parameter name such as "/golden/ami/misybot"',
        ),
      ),
    /** The parameter version that pins the image; left out, each deploy takes the current value. */
    version: z.optional(intRange(1, 1_000_000)),
  }),
]);
