import type { Client } from 'pg';
import type { TableCatalog } from '../../core/queries/advisor/predicates';
import type { MissingPrerequisite } from '../../core/queries/analysis-notifications';
import type { IndexInfo } from '../../core/queries/index-health';
import type { AnalysisDatabase } from '../../core/queries/scheduled-analysis-ports';
import type { StatsSnapshot } from '../../core/queries/snapshot-delta';
import type { ConnectionFactory } from './connect';
import { MissingExtensionError } from './errors';
import { ensureHypopg, ensureStatStatements } from './extensions';
import { HypopgPlanner } from './hypopg-planner';
import { type ConnectionFigures, PostgresStatisticsReader } from './statistics-reader';

/** Options for {@link PostgresAnalysisDatabase}. */
export interface AnalysisDatabaseOptions {
  /** `statement_timeout` of each EXPLAIN the advisor runs. @default 10000 (HypopgPlanner's) */
  readonly advisorStatementTimeoutMs?: number;
  /** Stamps snapshots (epoch ms). @default Date.now */
  readonly clock?: () => number;
}

async function check(
  extension: MissingPrerequisite['extension'],
  ensure: () => Promise<void>,
): Promise<MissingPrerequisite | undefined> {
  try {
    await ensure();
    return undefined;
  } catch (error) {
    if (error instanceof MissingExtensionError) return { extension, message: error.message };
    throw error;
  }
}

/**
 * The scheduled analysis' session on the database: statistics, the hypopg planner and the
 * extension checks share one client, because hypothetical indexes live in the session.
 */
export class PostgresAnalysisDatabase implements AnalysisDatabase {
  readonly planner: HypopgPlanner;
  private readonly reader: PostgresStatisticsReader;

  constructor(
    private readonly client: Client,
    options: AnalysisDatabaseOptions = {},
  ) {
    this.reader = new PostgresStatisticsReader(client, options.clock);
    this.planner = new HypopgPlanner(client, {
      ...(options.advisorStatementTimeoutMs ? { statementTimeoutMs: options.advisorStatementTimeoutMs } : {}),
    });
  }

  async missingPrerequisites(): Promise<MissingPrerequisite[]> {
    const found = [
      await check('pg_stat_statements', () => ensureStatStatements(this.client)),
      await check('hypopg', () => ensureHypopg(this.client)),
    ];
    return found.filter((m): m is MissingPrerequisite => m !== undefined);
  }

  statements(): Promise<StatsSnapshot> {
    return this.reader.statements();
  }

  indexes(): Promise<IndexInfo[]> {
    return this.reader.indexes();
  }

  catalog(): Promise<TableCatalog> {
    return this.reader.catalog();
  }

  connections(): Promise<ConnectionFigures> {
    return this.reader.connections();
  }

  async close(): Promise<void> {
    await this.client.end();
  }
}

/** Opens a session per run with `connect` (IAM through RDS Proxy in AWS, a plain URL in tests). */
export function analysisDatabaseOpener(
  connect: ConnectionFactory,
  options: AnalysisDatabaseOptions = {},
): () => Promise<AnalysisDatabase> {
  return async () => new PostgresAnalysisDatabase(await connect(), options);
}
