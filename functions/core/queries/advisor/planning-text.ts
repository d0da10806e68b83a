import type { ParseNode, ParseTree } from '../sql-parser-port';
import {
  applyEdits,
  nodesOfType,
  parameterEnd,
  parameterOf,
  sliceBytes,
  type TextEdit,
  utf8,
} from './statement-text';

/**
 * The page size the advisor plans `LIMIT $n` with. A generic plan knows nothing of the limit and
 * assumes a tenth of the rows, which hides every ordered-index win; applications page by 20 to
 * 100 rows, and the larger figure is the cautious one (the smaller the limit, the more an index
 * that delivers the order saves).
 */
export const ASSUMED_LIMIT = 100;

/**
 * `date '2024-01-01'`, `interval '1 hour'`, `timestamp '…'`: a typed literal whose constant
 * pg_stat_statements replaced reads `date $1`, which the server's grammar rejects. The same
 * value written as `$1::date` means the same thing and parses.
 */
function typedLiteralEdits(tree: ParseTree, bytes: Uint8Array): TextEdit[] {
  const edits: TextEdit[] = [];
  for (const cast of nodesOfType(tree.stmts, 'TypeCast')) {
    const parameter = parameterOf(cast.arg);
    const typeName = cast.typeName as { location?: unknown } | undefined;
    if (!parameter || typeof typeName?.location !== 'number' || typeName.location >= parameter.location)
      continue;
    const type = sliceBytes(bytes, typeName.location, parameter.location).trim();
    edits.push({
      start: typeName.location,
      end: parameterEnd(bytes, parameter.location),
      replacement: `$${parameter.number}::${type}`,
    });
  }
  return edits;
}

function limitEdits(tree: ParseTree, bytes: Uint8Array, assumedLimit: number): TextEdit[] {
  const edits: TextEdit[] = [];
  for (const select of nodesOfType(tree.stmts, 'SelectStmt')) {
    const parameter = parameterOf((select as ParseNode).limitCount);
    if (!parameter) continue;
    edits.push({
      start: parameter.location,
      end: parameterEnd(bytes, parameter.location),
      replacement: String(assumedLimit),
    });
  }
  return edits;
}

/**
 * The text the advisor hands the planner for a normalised query: typed literals whose constant
 * became `$n` are rewritten as casts (`interval $2` → `$2::interval`) so the server can parse
 * them, and a `LIMIT $n` becomes `LIMIT {@link ASSUMED_LIMIT}` so the plan reflects a page, not a
 * tenth of the table. Everything else is left as written.
 *
 * @param tree - `query` parsed by the {@link SqlParser} port.
 */
export function planningText(query: string, tree: ParseTree, assumedLimit = ASSUMED_LIMIT): string {
  const bytes = utf8(query);
  const edits = [...typedLiteralEdits(tree, bytes), ...limitEdits(tree, bytes, assumedLimit)];
  return edits.length === 0 ? query : applyEdits(query, edits);
}
