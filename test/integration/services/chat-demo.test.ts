import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Stack } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Client } from 'pg';
import { applyRolesMigration } from '../../../functions/adapters/postgres/roles-migration';
import { parsePlatformConfig } from '../../../functions/shared/config';
import { AppArtifact } from '../../../lib/platform/app-artifact';
import { type RedisServer, startRedis } from '../../../local/process/services';
import { testApp } from '../../support/cdk';
import { sharedPostgresUrl, uniqueTestName } from '../harness/env';

/**
 * The default configuration's demo service, started the way an instance starts it: from the
 * directory CDK zips as the fleet's artifact (bundling on, as in `cdk synth`), with the configured
 * start command's script, against a real Redis and a real PostgreSQL 15 where the roles
 * migration has made its app role.
 */
const config = parsePlatformConfig({});
const base = new URL(sharedPostgresUrl());
const database = uniqueTestName('chat_db');
const appUser = uniqueTestName('chat_app');
const port = 20_000 + (process.pid % 20_000);
let redis: RedisServer;
let service: ChildProcess;
let output = '';

function synthesisedArtifact(): string {
  const app = testApp({ 'aws:cdk:bundling-stacks': ['**'] });
  const stack = new Stack(app, 'Artifact');
  const artifact = new AppArtifact(stack, 'App', { artifact: config.fleet.app.artifact });
  artifact.grantRead(new Role(stack, 'Instance', { assumedBy: new ServicePrincipal('ec2.amazonaws.com') }));
  app.synth();
  return join(app.outdir, artifact.asset!.assetPath);
}

// biome-ignore lint/suspicious/noExplicitAny: the tests compare response bodies by value.
async function get(path: string, init?: RequestInit): Promise<{ status: number; body: any }> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, init);
  return { status: response.status, body: await response.json() };
}

async function healthy(deadlineMs: number): Promise<void> {
  const until = Date.now() + deadlineMs;
  while (Date.now() < until) {
    try {
      if ((await get('/health')).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the service did not answer /health within ${deadlineMs} ms:\n${output}`);
}

beforeAll(async () => {
  const artifactDir = synthesisedArtifact();
  // The configured start command runs `server.js` from the unpacked artifact.
  const script = config.fleet.app.startCommand.split(' ').at(-1)!;
  expect(existsSync(join(artifactDir, script))).toBe(true);

  const superuser = new Client({
    host: base.hostname,
    port: Number(base.port),
    user: 'postgres',
    database: base.pathname.slice(1),
  });
  await superuser.connect();
  await superuser.query(`CREATE DATABASE ${database}`);
  await superuser.end();
  const owner = new Client({ host: base.hostname, port: Number(base.port), user: 'postgres', database });
  await owner.connect();
  await owner.query('CREATE EXTENSION pg_stat_statements; CREATE EXTENSION hypopg');
  await applyRolesMigration(owner, { database, appUser, advisorUser: `${appUser}_adv`, iamRole: null });
  await owner.end();

  redis = await startRedis();
  service = spawn(process.execPath, [script], {
    cwd: artifactDir,
    env: {
      PATH: process.env.PATH,
      PORT: String(port),
      REDIS_HOST: redis.host,
      REDIS_PORT: String(redis.port),
      REDIS_TLS: 'false',
      DB_HOST: base.hostname,
      DB_PORT: base.port,
      DB_NAME: database,
      DB_USER: appUser,
      DB_IAM_AUTH: 'false',
      HEALTH_PROBE_INTERVAL_MS: '200',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  service.stdout!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  service.stderr!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  await healthy(20_000);
}, 120_000);

afterAll(async () => {
  if (service && service.exitCode === null) service.kill('SIGKILL');
  await redis?.stop();
});

describe('the demo chat service started from its artifact', () => {
  it('answers /health with its dependencies up', async () => {
    const { status, body } = await get('/health');
    expect(status).toBe(200);
    expect(body).toEqual({
      status: 'ok',
      dependencies: {
        cache: { status: 'up', latencyMs: expect.any(Number) },
        database: { status: 'up', latencyMs: expect.any(Number) },
      },
    });
  });

  it('echoes a message and keeps the conversation in the app role’s schema', async () => {
    const posted = await get('/chat/demo-1/messages', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'hello platform' }),
    });
    expect(posted).toEqual({
      status: 201,
      body: { chatId: 'demo-1', reply: 'echo: hello platform', context: { messages: 0, tokens: 4 } },
    });
    const read = await get('/chat/demo-1');
    expect(read.status).toBe(200);
    expect(read.body.messages.map((m: { role: string; text: string }) => [m.role, m.text])).toEqual([
      ['user', 'hello platform'],
      ['assistant', 'echo: hello platform'],
    ]);
    const next = await get('/chat/demo-1/messages', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'again' }),
    });
    // The reply's prompt context: the two messages of history, then the new one.
    expect(next.body.context).toEqual({ messages: 2, tokens: 4 + 6 + 3 });
  });

  it('refuses a message without text, naming what it expected', async () => {
    const { status, body } = await get('/chat/demo-1/messages', { method: 'POST', body: '{}' });
    expect(status).toBe(400);
    expect(body.error).toBe('text must be a non-empty string of at most 2000 characters');
  });

  it('stays up and reports the cache down, without its address, when Redis stops', async () => {
    await redis.stop();
    // Health reads what the background probes last found: the next round sees Redis gone.
    let answer = await get('/health');
    for (const deadline = Date.now() + 10_000; answer.body.status === 'ok' && Date.now() < deadline; ) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      answer = await get('/health');
    }
    const { status, body } = answer;
    expect(status).toBe(200);
    expect(body.status).toBe('degraded');
    expect(body.dependencies.cache).toEqual({ status: 'down' });
    expect(body.dependencies.database.status).toBe('up');
    // Fail-open: the conversation still comes from the database.
    expect((await get('/chat/demo-1')).body.messages).toHaveLength(4);
  });

  it('writes per-route EMF metrics and exits cleanly on SIGTERM', async () => {
    const exited = new Promise<number | null>((resolve) => service.once('exit', (code) => resolve(code)));
    service.kill('SIGTERM');
    expect(await exited).toBe(0);
    const documents = output
      .split('\n')
      .filter((line) => line.includes('"_aws"'))
      .map((line) => JSON.parse(line));
    expect(documents).toContainEqual(
      expect.objectContaining({ Service: 'chat-api', Route: '/chat/:id/messages', Method: 'POST' }),
    );
  });
});
