import type { ParseNode, ParseTree } from '../sql-parser-port';

/** Which columns of one table a query filters, joins or sorts on. */
export interface TableUse {
  /** `schema.table`. */
  readonly table: string;
  readonly equality: string[];
  readonly range: string[];
  /** Columns compared with a column of another table (inner side of a nested-loop join). */
  readonly join: string[];
  /** Columns matched with `LIKE` against a parameter or a pattern that does not start with a wildcard. */
  readonly pattern: string[];
  readonly sort: string[];
}

/** Known columns per table, to resolve unqualified column names in multi-table queries. */
export interface TableCatalog {
  /** `schema.table` → column names. */
  readonly columns: ReadonlyMap<string, readonly string[]>;
  /**
   * `schema.table.column` → the planner's estimate of its distinct values (pg_stats `n_distinct`,
   * fractions already multiplied by the row count), for the column order of a multi-column index.
   * Left out, or a column missing, means unknown.
   */
  readonly distinct?: ReadonlyMap<string, number>;
}

type Role = 'equality' | 'range' | 'join' | 'pattern';
type Scope = Map<string, string>;

const CTE = '';
const RANGE_OPERATORS = new Set(['<', '>', '<=', '>=']);

function node(value: unknown, type: string): ParseNode | undefined {
  return typeof value === 'object' && value !== null
    ? ((value as ParseNode)[type] as ParseNode | undefined)
    : undefined;
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/**
 * A `LIKE` right-hand side a b-tree may answer: a parameter (whether it holds a prefix is only
 * known once it is bound, which the planner decides) or a string that starts with neither `%`
 * nor `_`. `ILIKE` and `NOT LIKE` never use a b-tree and are not passed here.
 */
function isPrefixPattern(value: unknown): boolean {
  if (node(value, 'ParamRef')) return true;
  const text = (node(value, 'A_Const')?.sval as { sval?: unknown } | undefined)?.sval;
  return typeof text === 'string' && text.length > 0 && !'%_'.includes(text[0]!);
}

/** `ORDER BY 2` names the second output column (pg_stat_statements keeps such ordinals as written). */
function sortExpression(expr: unknown, select: ParseNode): unknown {
  const ordinal = (node(expr, 'A_Const')?.ival as { ival?: unknown } | undefined)?.ival;
  if (typeof ordinal !== 'number') return expr;
  return node(list(select.targetList)[ordinal - 1], 'ResTarget')?.val;
}

function containsColumn(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if ('ColumnRef' in value || 'SubLink' in value) return true;
  return Object.values(value).some(containsColumn);
}

/** Collects the table uses of one statement tree, recursing into subqueries, CTEs and set operations. */
class Extractor {
  readonly uses = new Map<string, TableUse>();
  private readonly cteNames = new Set<string>();

  constructor(private readonly catalog: TableCatalog | undefined) {}

  statement(stmt: ParseNode | undefined): void {
    const select = node(stmt, 'SelectStmt');
    if (select) {
      this.select(select);
      return;
    }
    const update = node(stmt, 'UpdateStmt') ?? node(stmt, 'DeleteStmt');
    if (update) {
      const scope: Scope = new Map();
      this.from(update.relation, scope);
      for (const item of list(update.fromClause ?? update.usingClause)) this.from(item, scope);
      this.where(update.whereClause, scope);
      return;
    }
    const explain = node(stmt, 'ExplainStmt');
    if (explain) this.statement(explain.query as ParseNode);
  }

  private select(select: ParseNode): void {
    for (const item of list((select.withClause as ParseNode | undefined)?.ctes)) {
      const cte = node(item, 'CommonTableExpr');
      if (typeof cte?.ctename === 'string') this.cteNames.add(cte.ctename);
      this.statement(cte?.ctequery as ParseNode);
    }
    if (select.larg || select.rarg) {
      // Set-operation branches are SelectStmt fields, not wrapped nodes.
      if (select.larg) this.select(select.larg as ParseNode);
      if (select.rarg) this.select(select.rarg as ParseNode);
      return;
    }
    const scope: Scope = new Map();
    for (const item of list(select.fromClause)) this.from(item, scope);
    this.where(select.whereClause, scope);
    for (const item of list(select.sortClause)) {
      const column = this.column(sortExpression(node(item, 'SortBy')?.node, select), scope);
      if (column) this.use(column.table).sort.push(column.name);
    }
  }

  private from(item: unknown, scope: Scope): void {
    const range = node(item, 'RangeVar') ?? (item as ParseNode | undefined);
    if (range && typeof range.relname === 'string') {
      const schema = range.schemaname as string | undefined;
      // A CTE is no table to index: its columns resolve to nothing.
      const table = !schema && this.cteNames.has(range.relname) ? CTE : this.qualify(schema, range.relname);
      const alias = (range.alias as { aliasname?: string } | undefined)?.aliasname;
      scope.set(alias ?? range.relname, table);
      return;
    }
    const join = node(item, 'JoinExpr');
    if (join) {
      this.from(join.larg, scope);
      this.from(join.rarg, scope);
      this.where(join.quals, scope);
      return;
    }
    const sub = node(item, 'RangeSubselect');
    if (sub) this.statement(sub.subquery as ParseNode);
  }

  private qualify(schema: string | undefined, table: string): string {
    if (schema) return `${schema}.${table}`;
    const known = [...(this.catalog?.columns.keys() ?? [])].filter((key) => key.endsWith(`.${table}`));
    return known.find((key) => key === `public.${table}`) ?? known[0] ?? `public.${table}`;
  }

  private where(expr: unknown, scope: Scope): void {
    if (typeof expr !== 'object' || expr === null) return;
    const bool = node(expr, 'BoolExpr');
    if (bool) {
      // Only AND-ed conditions narrow a scan for sure; OR and NOT branches are left out.
      if (bool.boolop === 'AND_EXPR') for (const arg of list(bool.args)) this.where(arg, scope);
      return;
    }
    const sublink = node(expr, 'SubLink');
    if (sublink) {
      this.statement(sublink.subselect as ParseNode);
      return;
    }
    const nullTest = node(expr, 'NullTest');
    if (nullTest) {
      this.add(this.column(nullTest.arg, scope), 'equality');
      return;
    }
    const op = node(expr, 'A_Expr');
    if (!op) return;
    for (const side of [op.lexpr, op.rexpr]) {
      const sub = node(side, 'SubLink');
      if (sub) this.statement(sub.subselect as ParseNode);
    }
    const name = (list(op.name)[0] as { String?: { sval?: string } } | undefined)?.String?.sval;
    const left = this.column(op.lexpr, scope);
    const right = this.column(op.rexpr, scope);
    if (op.kind === 'AEXPR_IN' || op.kind === 'AEXPR_OP_ANY') {
      if (left && name === '=' && !containsColumn(op.rexpr)) this.add(left, 'equality');
      return;
    }
    if (op.kind === 'AEXPR_BETWEEN') {
      if (left) this.add(left, 'range');
      return;
    }
    if (op.kind === 'AEXPR_LIKE') {
      if (left && name === '~~' && isPrefixPattern(op.rexpr)) this.add(left, 'pattern');
      return;
    }
    if (op.kind !== 'AEXPR_OP' || name === undefined) return;
    if (left && right && left.table !== right.table && name === '=') {
      this.add(left, 'join');
      this.add(right, 'join');
      return;
    }
    const role: Role | undefined =
      name === '=' ? 'equality' : RANGE_OPERATORS.has(name) ? 'range' : undefined;
    if (!role) return;
    if (left && !containsColumn(op.rexpr)) this.add(left, role);
    else if (right && !containsColumn(op.lexpr)) this.add(right, role);
  }

  private column(expr: unknown, scope: Scope): { table: string; name: string } | undefined {
    // A cast or function around the column (col::date = $1) defeats a plain index, so only bare columns count.
    const ref = node(expr, 'ColumnRef');
    if (!ref) return undefined;
    const parts = list(ref.fields).map((field) => (field as { String?: { sval?: string } }).String?.sval);
    if (parts.some((part) => part === undefined)) return undefined;
    const name = parts[parts.length - 1]!;
    if (parts.length >= 2) {
      const table = scope.get(parts[parts.length - 2]!);
      return table === undefined ? undefined : { table, name };
    }
    const tables = [...new Set(scope.values())].filter((table) => table !== CTE);
    if (tables.length === 1) return { table: tables[0]!, name };
    const owners = tables.filter((table) => this.catalog?.columns.get(table)?.includes(name));
    return owners.length === 1 ? { table: owners[0]!, name } : undefined;
  }

  private add(column: { table: string; name: string } | undefined, role: Role): void {
    if (!column || column.table === CTE) return;
    const use = this.use(column.table);
    if (!use[role].includes(column.name)) use[role].push(column.name);
  }

  private use(table: string): TableUse {
    let use = this.uses.get(table);
    if (!use) {
      use = { table, equality: [], range: [], join: [], pattern: [], sort: [] };
      this.uses.set(table, use);
    }
    return use;
  }
}

/**
 * The indexable column uses of a parsed statement, per table: equality, range and prefix-pattern
 * predicates, join keys and ORDER BY columns. Conditions under OR, on expressions, or on unresolvable columns are
 * left out, since no plain b-tree index on a column answers them.
 */
export function extractTableUses(tree: ParseTree, catalog?: TableCatalog): TableUse[] {
  const extractor = new Extractor(catalog);
  for (const { stmt } of tree.stmts) extractor.statement(stmt);
  return [...extractor.uses.values()];
}
