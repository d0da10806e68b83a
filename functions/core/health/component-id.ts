import * as z from '../../shared/config/zod';

// On its own so that the admin API, which validates its health topology at cold start, builds
// this one schema and not every check kind's (~120 zod schemas, see bench/lambda-init.ts).
/** A component id, e.g. `api`, `database`; checks roll up into components. */
export const componentId = z
  .string()
  .check(
    z.regex(
      /^[a-z][a-z0-9-]{0,39}$/,
      'must start with a letter and hold at most 40 lower-case letters, digits or "-"',
    ),
  );
