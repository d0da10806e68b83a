import type { LogWorkload } from '../log-aggregate';
import type { SqlParser } from '../sql-parser-port';
import type { QuerySamples } from './advise-database';
import { applyEdits, parameterEnd, parameterRefs, utf8 } from './statement-text';

const LOGGED_PARAMETER = /\$(\d+) = ('(?:[^']|'')*'|NULL)(?:, |$)/y;

/**
 * The values of a logged `DETAIL:  parameters: $1 = '42', $2 = NULL` as SQL literals, by
 * parameter number; `undefined` when the text is not in that form.
 */
export function parseLoggedParameters(text: string): Map<number, string> | undefined {
  const values = new Map<number, string>();
  LOGGED_PARAMETER.lastIndex = 0;
  while (LOGGED_PARAMETER.lastIndex < text.length) {
    const match = LOGGED_PARAMETER.exec(text);
    if (!match) return undefined;
    values.set(Number(match[1]), match[2]!);
  }
  return values;
}

/**
 * One execution as a statement with its literals: each `$n` replaced by the value the log shows
 * for it. `undefined` when the statement does not parse or a parameter has no logged value.
 */
export function bindLoggedParameters(
  statement: string,
  parameters: string | undefined,
  parser: SqlParser,
): string | undefined {
  let refs: ReturnType<typeof parameterRefs>;
  try {
    refs = parameterRefs(parser.parse(statement));
  } catch {
    return undefined;
  }
  if (refs.length === 0) return statement;
  const values = parameters === undefined ? undefined : parseLoggedParameters(parameters);
  if (!values) return undefined;
  const bytes = utf8(statement);
  const edits = [];
  for (const ref of refs) {
    const value = values.get(ref.number);
    if (value === undefined) return undefined;
    edits.push({ start: ref.location, end: parameterEnd(bytes, ref.location), replacement: value });
  }
  return applyEdits(statement, edits);
}

/**
 * A sample per query of a log: its slowest execution with its literals, keyed by fingerprint, for
 * {@link adviseDatabase}. The slowest run is the one worth an index.
 */
export function samplesFromLog(workload: LogWorkload, parser: SqlParser): QuerySamples {
  const samples = new Map<string, string>();
  for (const query of workload.queries) {
    const sample = bindLoggedParameters(query.slowest.statement, query.slowest.parameters, parser);
    if (sample !== undefined) samples.set(query.fingerprint, sample);
  }
  return samples;
}
