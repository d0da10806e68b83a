import { queriesAdviseCommand } from '../../../bin/commands/queries-advise';

/** The documented top-level keys of `queries advise --json`, in order. */
export const ADVICE_JSON_KEYS = ['recommendations', 'unusedIndexes', 'duplicateIndexes', 'notConsidered'];

/** The parts of the JSON the tests look into. */
export interface AdviceJson {
  readonly recommendations: ReadonlyArray<{ readonly sql: string } & Record<string, unknown>>;
  readonly unusedIndexes: readonly unknown[];
  readonly duplicateIndexes: readonly unknown[];
  readonly notConsidered: ReadonlyArray<{
    readonly query: string;
    readonly kind: string;
    readonly reason: string;
  }>;
}

/** Runs `misybot-ha queries advise --json` with `flags`; returns its exit code and parsed output. */
export async function adviseJson(flags: Record<string, string>): Promise<{ code: number; body: AdviceJson }> {
  const out: string[] = [];
  const code = await queriesAdviseCommand.run(
    { values: { ...flags, json: true }, positionals: [] },
    { stdout: (text) => out.push(text), stderr: () => undefined },
  );
  return { code, body: JSON.parse(out.join('')) };
}
