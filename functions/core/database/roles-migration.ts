/** The database and the two least-privilege roles the migration sets up. */
export interface RolesMigrationOptions {
  /** The application database (`database.databaseName`). */
  readonly database: string;
  /** The services' role: logs in with IAM, owns the `schema`. */
  readonly appUser: string;
  /** The slow-query advisor's role: statistics, hypothetical indexes, EXPLAIN; read-only. */
  readonly advisorUser: string;
  /** The services' schema. @default 'app' */
  readonly schema?: string;
  /**
   * The role that lets a user log in with an IAM token: Aurora's `rds_iam`. Left out where no
   * such role exists (a plain PostgreSQL), the roles can only log in by other means.
   * @default 'rds_iam'
   */
  readonly iamRole?: string | null;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

function ident(name: string, what: string): string {
  if (!IDENTIFIER.test(name)) {
    throw new RangeError(`${what} must be a lower-case PostgreSQL identifier, got "${name}".`);
  }
  return `"${name}"`;
}

function literal(name: string): string {
  return `'${name.replace(/'/g, "''")}'`;
}

/**
 * The statements, in order; each is idempotent, so the whole runs again on every deploy that
 * changes it (and after a failed one). The master user runs them: it is used for nothing else.
 *
 * - the extensions the advisor needs, created once by the only user allowed to;
 * - `app`: LOGIN through IAM, no other attribute, owner of its schema (its tables, its migrations);
 * - `advisor`: `pg_monitor` (which holds `pg_read_all_stats` and `pg_read_all_settings`: every
 *   query's statistics and text), USAGE on the schema and SELECT on its tables, present and future
 *   (PostgreSQL checks SELECT when it plans an EXPLAIN and hypopg needs the schema), and every
 *   session read-only by default;
 * - nobody else connects to the database or creates in `public`.
 */
export function rolesMigrationStatements(options: RolesMigrationOptions): string[] {
  const db = ident(options.database, 'database');
  const app = ident(options.appUser, 'appUser');
  const advisor = ident(options.advisorUser, 'advisorUser');
  const schema = ident(options.schema ?? 'app', 'schema');
  if (app === advisor) throw new RangeError(`appUser and advisorUser must differ, got ${app} for both.`);
  const iamRole = options.iamRole === undefined ? 'rds_iam' : options.iamRole;
  const createRole = (role: string, quoted: string) =>
    `DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = ${literal(role)}) THEN CREATE ROLE ${quoted} LOGIN; END IF; END $$`;
  return [
    'CREATE EXTENSION IF NOT EXISTS pg_stat_statements',
    'CREATE EXTENSION IF NOT EXISTS hypopg',
    createRole(options.appUser, app),
    createRole(options.advisorUser, advisor),
    // Whatever a role was given by hand before, it ends up with these attributes (superuser,
    // replication and RLS bypass are never given: the master cannot grant them on Aurora).
    `ALTER ROLE ${app} LOGIN NOCREATEDB NOCREATEROLE INHERIT`,
    `ALTER ROLE ${advisor} LOGIN NOCREATEDB NOCREATEROLE INHERIT`,
    ...(iamRole ? [`GRANT ${ident(iamRole, 'iamRole')} TO ${app}, ${advisor}`] : []),
    // On Aurora the master is not a superuser: it must be a member to hand the schema to the role
    // and to set the role's default privileges.
    `GRANT ${app} TO CURRENT_USER`,
    `REVOKE ALL ON DATABASE ${db} FROM PUBLIC`,
    `GRANT CONNECT ON DATABASE ${db} TO ${app}, ${advisor}`,
    'REVOKE CREATE ON SCHEMA public FROM PUBLIC',
    `CREATE SCHEMA IF NOT EXISTS ${schema} AUTHORIZATION ${app}`,
    `ALTER SCHEMA ${schema} OWNER TO ${app}`,
    `ALTER ROLE ${app} IN DATABASE ${db} SET search_path = ${schema}`,
    `GRANT pg_monitor TO ${advisor}`,
    `GRANT USAGE ON SCHEMA ${schema} TO ${advisor}`,
    `GRANT SELECT ON ALL TABLES IN SCHEMA ${schema} TO ${advisor}`,
    `ALTER DEFAULT PRIVILEGES FOR ROLE ${app} IN SCHEMA ${schema} GRANT SELECT ON TABLES TO ${advisor}`,
    `ALTER ROLE ${advisor} IN DATABASE ${db} SET default_transaction_read_only = on`,
    `ALTER ROLE ${advisor} IN DATABASE ${db} SET search_path = ${schema}, public`,
  ];
}
