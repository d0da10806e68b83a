import { config } from 'zod/mini';
import { en } from 'zod/v4/locales';

// The schemas the Lambdas load use zod's tree-shakable build, zod/mini: a bundle keeps only the
// checks it uses and builds its schemas without attaching every method to every instance, which
// roughly halves what zod costs a cold start. zod/mini has no messages of its own; these are the
// English ones the full build prints, which the error formatting relies on.
config(en());

export * from 'zod/mini';
