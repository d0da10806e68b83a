import type { ClientBase } from 'pg';
import type { DatabaseStatistics } from '../../core/queries/advisor/advise-database';
import type { TableCatalog } from '../../core/queries/advisor/predicates';
import type { IndexInfo } from '../../core/queries/index-health';
import type { PoolSizingInput } from '../../core/queries/pool-sizing';
import type { StatementCounters, StatsSnapshot } from '../../core/queries/snapshot-delta';
import { ensureStatStatements } from './extensions';

const STATEMENTS_SQL = `
  SELECT queryid::text AS queryid, userid::text AS userid, dbid::text AS dbid, toplevel, query,
         calls, total_exec_time, mean_exec_time, max_exec_time, stddev_exec_time, rows,
         shared_blks_hit, shared_blks_read
    FROM pg_stat_statements
   WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND queryid IS NOT NULL`;

const INDEXES_SQL = `
  SELECT n.nspname AS schema, t.relname AS table, c.relname AS name,
         ARRAY(SELECT pg_get_indexdef(i.indexrelid, k + 1, true)
                 FROM generate_subscripts(i.indkey, 1) AS k WHERE k < i.indnkeyatts ORDER BY k) AS columns,
         ARRAY(SELECT pg_get_indexdef(i.indexrelid, k + 1, true)
                 FROM generate_subscripts(i.indkey, 1) AS k WHERE k >= i.indnkeyatts ORDER BY k) AS include,
         i.indisunique AS unique, i.indisprimary AS primary, am.amname AS method,
         pg_get_expr(i.indpred, i.indrelid, true) AS predicate, i.indisvalid AS valid,
         pg_relation_size(i.indexrelid) AS size, coalesce(s.idx_scan, 0) AS scans,
         pg_get_indexdef(i.indexrelid) AS definition
    FROM pg_index i
    JOIN pg_class c ON c.oid = i.indexrelid
    JOIN pg_class t ON t.oid = i.indrelid
    JOIN pg_namespace n ON n.oid = t.relnamespace
    JOIN pg_am am ON am.oid = c.relam
    LEFT JOIN pg_stat_user_indexes s ON s.indexrelid = i.indexrelid
   WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'`;

const CATALOG_SQL = `
  SELECT n.nspname || '.' || c.relname AS table, array_agg(a.attname::text ORDER BY a.attnum) AS columns
    FROM pg_attribute a
    JOIN pg_class c ON c.oid = a.attrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE c.relkind IN ('r', 'p', 'm') AND a.attnum > 0 AND NOT a.attisdropped
     AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
   GROUP BY 1`;

// Parent tables of partitions only have inherited statistics; a plain table's own row comes first.
const DISTINCT_SQL = `
  SELECT DISTINCT ON (s.schemaname, s.tablename, s.attname)
         s.schemaname || '.' || s.tablename || '.' || s.attname AS column,
         CASE WHEN s.n_distinct < 0 THEN -s.n_distinct * greatest(c.reltuples, 0) ELSE s.n_distinct END AS distinct
    FROM pg_stats s
    JOIN pg_namespace n ON n.nspname = s.schemaname
    JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = s.tablename
   WHERE s.schemaname NOT IN ('pg_catalog', 'information_schema') AND s.schemaname NOT LIKE 'pg_toast%'
   ORDER BY s.schemaname, s.tablename, s.attname, s.inherited`;

const CONNECTIONS_SQL = `
  SELECT current_setting('max_connections')::int AS max,
         current_setting('superuser_reserved_connections')::int
           + coalesce(current_setting('reserved_connections', true), '0')::int
           + coalesce(current_setting('rds.rds_superuser_reserved_connections', true), '0')::int AS reserved,
         (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend')::int AS current`;

/** pg_get_indexdef quotes identifiers that need it; the parse tree holds them unquoted. */
function unquote(column: string): string {
  return /^"(?:[^"]|"")*"$/.test(column) ? column.slice(1, -1).replace(/""/g, '"') : column;
}

/** The connection figures pool sizing starts from. */
export type ConnectionFigures = Pick<
  PoolSizingInput,
  'maxConnections' | 'reservedConnections' | 'currentConnections'
>;

/** Reads pg_stat_statements, indexes, the column catalog and connection counts with one client. */
export class PostgresStatisticsReader implements DatabaseStatistics {
  /** `clock` stamps snapshots (epoch ms); injected so tests and replays control it. */
  constructor(
    private readonly client: ClientBase,
    private readonly clock: () => number = Date.now,
  ) {}

  /** @throws {MissingExtensionError} when pg_stat_statements is not created or not loaded. */
  async statements(): Promise<StatsSnapshot> {
    await ensureStatStatements(this.client);
    const takenAt = this.clock();
    const rows = (await this.client.query(STATEMENTS_SQL)).rows;
    const info = await this.client.query<{ reset: Date | null }>(
      'SELECT stats_reset AS reset FROM pg_stat_statements_info',
    );
    const entries = rows.map(
      (row): StatementCounters => ({
        queryid: row.queryid,
        userid: row.userid,
        dbid: row.dbid,
        toplevel: row.toplevel,
        query: row.query,
        calls: Number(row.calls),
        totalExecMs: Number(row.total_exec_time),
        meanExecMs: Number(row.mean_exec_time),
        maxExecMs: Number(row.max_exec_time),
        stddevExecMs: Number(row.stddev_exec_time),
        rows: Number(row.rows),
        sharedBlksHit: Number(row.shared_blks_hit),
        sharedBlksRead: Number(row.shared_blks_read),
      }),
    );
    const reset = info.rows[0]?.reset;
    return { takenAt, ...(reset ? { statsResetAt: reset.getTime() } : {}), entries };
  }

  async indexes(): Promise<IndexInfo[]> {
    const rows = (await this.client.query(INDEXES_SQL)).rows;
    return rows.map((row) => ({
      schema: row.schema,
      table: row.table,
      name: row.name,
      columns: (row.columns as string[]).map(unquote),
      include: (row.include as string[]).map(unquote),
      unique: row.unique,
      primary: row.primary,
      method: row.method,
      predicate: row.predicate,
      valid: row.valid,
      sizeBytes: Number(row.size),
      scans: Number(row.scans),
      definition: row.definition,
    }));
  }

  /** Column names per table, and each column's distinct values as the planner estimates them. */
  async catalog(): Promise<TableCatalog> {
    const rows = (await this.client.query<{ table: string; columns: string[] }>(CATALOG_SQL)).rows;
    const stats = (await this.client.query<{ column: string; distinct: number }>(DISTINCT_SQL)).rows;
    return {
      columns: new Map(rows.map((row) => [row.table, row.columns])),
      distinct: new Map(stats.map((row) => [row.column, Number(row.distinct)])),
    };
  }

  /** max_connections, the reserved slots (including RDS's) and client backends open now. */
  async connections(): Promise<ConnectionFigures> {
    const row = (await this.client.query<{ max: number; reserved: number; current: number }>(CONNECTIONS_SQL))
      .rows[0]!;
    return { maxConnections: row.max, reservedConnections: row.reserved, currentConnections: row.current };
  }
}
