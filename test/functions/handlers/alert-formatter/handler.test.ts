import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SNSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { SecretsManagerWebhookUrls } from '../../../../functions/adapters/aws/webhook-secrets';
import { isPermanentWebhookFailure } from '../../../../functions/adapters/http/webhook-failures';
import { postWebhook } from '../../../../functions/adapters/http/webhook-poster';
import type { WebhookUrlSource } from '../../../../functions/core/alerting/chat-delivery';
import { toSnsMessage } from '../../../../functions/core/alerting/formats/sns';
import type { Notification } from '../../../../functions/core/alerting/notification';
import type { Idempotency } from '../../../../functions/core/runs/idempotency';
import { createFormatterHandler } from '../../../../functions/handlers/alert-formatter/handler';
import type { FormatterSettings } from '../../../../functions/handlers/alert-formatter/settings';
import { memoryIdempotency } from '../../../support/memory-coordination';
import { type CapturedOutput, capturedPowertools } from '../health-check/fakes';

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:critical';
const SLACK_SECRET = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:slack';
const TEAMS_SECRET = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:teams';
// The part of a webhook URL that is the credential.
const SLACK_TOKEN = 'T000/B000/slack-secret-token';
const TEAMS_TOKEN = 'teams-secret-token';

const settings: FormatterSettings = {
  webhooks: [
    { severity: 'critical', protocol: 'slack', secretArn: SLACK_SECRET },
    { severity: 'critical', protocol: 'teams', secretArn: TEAMS_SECRET },
    { severity: 'warning', protocol: 'slack', secretArn: SLACK_SECRET },
  ],
  topicSeverities: new Map([[TOPIC, 'critical']]),
  stateTable: 'misybot-state',
};
const context = { awsRequestId: 'req-1', getRemainingTimeInMillis: () => 90_000 };
/** The coordination ports: `records` stands for the state table, shared by every environment. */
const runDeps = (records: Idempotency = memoryIdempotency(Date.now)) => ({
  idempotency: records,
  clock: Date.now,
  sleep: async () => {},
  random: () => 0.5,
});

const notification: Notification = {
  version: 1,
  id: 'api@2026-01-01T00:00:00.000Z#1',
  incidentId: 'api@2026-01-01T00:00:00.000Z',
  kind: 'opened',
  severity: 'critical',
  component: 'api',
  status: 'down',
  title: 'api is down',
  reasons: ['api check: HTTP 503'],
  checks: [{ checkId: 'api-endpoint', description: 'api check', status: 'unhealthy', error: 'HTTP 503' }],
  openedAt: '2026-01-01T00:00:00.000Z',
  at: '2026-01-01T00:00:00.000Z',
  labels: { platform: 'misybot' },
};

function snsEvent(message = toSnsMessage(notification).message, topic = TOPIC, id = 'msg-1'): SNSEvent {
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: `${topic}:sub`,
        Sns: {
          Type: 'Notification',
          MessageId: id,
          TopicArn: topic,
          Subject: '[CRITICAL] misybot api is down',
          Message: message,
          Timestamp: '2026-01-01T00:00:01.000Z',
          SignatureVersion: '1',
          Signature: '',
          SigningCertUrl: '',
          UnsubscribeUrl: '',
          MessageAttributes: {},
        },
      },
    ],
  };
}

/** A loopback webhook endpoint: records bodies per path, answers with the status set per path. */
let server: Server;
let base: string;
const received: { path: string; body: Record<string, unknown> }[] = [];
const statusFor = new Map<string, number>();

beforeAll(async () => {
  server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk) => {
      text += chunk;
    });
    req.on('end', () => {
      const status = statusFor.get(req.url ?? '') ?? 200;
      if (status === 200) received.push({ path: req.url ?? '', body: JSON.parse(text) });
      // Like some webhook services, the error body echoes the request path (the credential).
      res
        .writeHead(status, { 'content-type': 'text/plain' })
        .end(status === 200 ? 'ok' : `no such hook ${req.url}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

let output: CapturedOutput;
beforeEach(() => {
  received.length = 0;
  statusFor.clear();
});
afterEach(() => output?.restore());

function setup(urls?: WebhookUrlSource, records?: Idempotency) {
  const powertools = capturedPowertools('alert-formatter');
  output = powertools.output;
  const loopback: WebhookUrlSource = {
    url: async (secretArn) =>
      secretArn === SLACK_SECRET ? `${base}/services/${SLACK_TOKEN}` : `${base}/workflows/${TEAMS_TOKEN}`,
  };
  return createFormatterHandler({
    settings,
    urls: urls ?? loopback,
    post: (url, body) => postWebhook(url, body, { sleep: async () => {}, maxAttempts: 2, timeoutMs: 2000 }),
    run: runDeps(records),
    log: powertools.logger,
    isPermanent: isPermanentWebhookFailure,
    metrics: powertools.metrics,
  });
}

describe('alert-formatter handler', () => {
  it('posts a Slack message and a Teams card to the webhooks of the topic’s severity', async () => {
    const handler = setup();
    expect(await handler(snsEvent(), context)).toEqual({ delivered: 2, failed: 0 });
    const slack = received.find((r) => r.path.startsWith('/services/'))!;
    const teams = received.find((r) => r.path.startsWith('/workflows/'))!;
    expect(received).toHaveLength(2);
    expect(slack.body.text).toContain('[CRITICAL] misybot api is down');
    expect(JSON.stringify(slack.body.blocks)).toContain('HTTP 503');
    expect(teams.body).toMatchObject({
      type: 'message',
      attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive' }],
    });
  });

  it('formats a CloudWatch alarm on the topic too', async () => {
    const alarm = JSON.stringify({
      AlarmName: 'misybot-alb-5xx',
      NewStateValue: 'ALARM',
      NewStateReason: 'Threshold Crossed',
    });
    await setup()(snsEvent(alarm), context);
    expect(received.map((r) => JSON.stringify(r.body))).toEqual([
      expect.stringContaining('misybot-alb-5xx is ALARM'),
      expect.stringContaining('misybot-alb-5xx is ALARM'),
    ]);
  });

  it('a channel that refuses the message does not lose the others, and is not retried', async () => {
    statusFor.set(`/workflows/${TEAMS_TOKEN}`, 404);
    const result = await setup()(snsEvent(), context);
    expect(result).toEqual({ delivered: 1, failed: 1 });
    expect(received.map((r) => r.path)).toEqual([`/services/${SLACK_TOKEN}`]);
    expect(output.logs).toContainEqual(
      expect.objectContaining({
        level: 'ERROR',
        failures: [expect.objectContaining({ webhook: 'teams critical #2', permanent: true })],
      }),
    );
  });

  it('fails the invocation on a transient failure, and its retry posts only to the channel that missed it', async () => {
    const handler = setup();
    statusFor.set(`/workflows/${TEAMS_TOKEN}`, 503);
    await expect(handler(snsEvent(), context)).rejects.toThrow(
      expect.objectContaining({
        name: 'WebhookFanOutError',
        message: expect.stringContaining('teams critical #2'),
      }),
    );
    statusFor.clear();
    expect(await handler(snsEvent(), context)).toEqual({ delivered: 1, failed: 0 });
    expect(received.map((r) => r.path)).toEqual([`/services/${SLACK_TOKEN}`, `/workflows/${TEAMS_TOKEN}`]);
  });

  it('fails the invocation when no channel got the message, even for permanent failures', async () => {
    statusFor.set(`/services/${SLACK_TOKEN}`, 404);
    statusFor.set(`/workflows/${TEAMS_TOKEN}`, 410);
    await expect(setup()(snsEvent(), context)).rejects.toThrow(
      expect.objectContaining({ name: 'WebhookFanOutError' }),
    );
  });

  it('never writes a webhook URL or its credential to the logs, even when the service echoes it', async () => {
    statusFor.set(`/services/${SLACK_TOKEN}`, 503);
    statusFor.set(`/workflows/${TEAMS_TOKEN}`, 404);
    await setup()(snsEvent(), context).catch(() => undefined);
    const everything = output.raw.join('\n');
    expect(everything).toContain('slack critical #1');
    expect(everything).toContain('127.0.0.1');
    for (const secret of [SLACK_TOKEN, TEAMS_TOKEN, 'slack-secret-token', '/services/', '/workflows/']) {
      expect(everything).not.toContain(secret);
    }
  });

  it('reads each webhook secret once per warm environment', async () => {
    const client = new SecretsManagerClient({ region: 'eu-west-1', maxAttempts: 1 });
    const secrets = mockClient(client);
    secrets
      .on(GetSecretValueCommand, { SecretId: SLACK_SECRET })
      .resolves({ SecretString: `https://hooks.slack.com/services/${SLACK_TOKEN}` });
    secrets.on(GetSecretValueCommand, { SecretId: TEAMS_SECRET }).resolves({
      SecretString: JSON.stringify({ url: `https://example.webhook.office.com/${TEAMS_TOKEN}` }),
    });
    const posted: string[] = [];
    const powertools = capturedPowertools('alert-formatter');
    output = powertools.output;
    const handler = createFormatterHandler({
      settings,
      urls: new SecretsManagerWebhookUrls(client),
      post: (url, body) =>
        postWebhook(url, body, {
          fetch: async (target) => {
            posted.push(String(target));
            return new Response('ok', { status: 200 });
          },
        }),
      run: runDeps(),
      log: powertools.logger,
      isPermanent: isPermanentWebhookFailure,
      metrics: powertools.metrics,
    });
    await handler(snsEvent(undefined, TOPIC, 'msg-1'), context);
    await handler(snsEvent(undefined, TOPIC, 'msg-2'), context);
    expect(posted).toHaveLength(4);
    expect(
      secrets
        .commandCalls(GetSecretValueCommand)
        .map((c) => c.args[0].input.SecretId)
        .sort(),
    ).toEqual([SLACK_SECRET, TEAMS_SECRET]);
  });

  it('a retry in another execution environment posts only to the channel that missed it', async () => {
    const table = memoryIdempotency(Date.now);
    statusFor.set(`/workflows/${TEAMS_TOKEN}`, 503);
    await expect(setup(undefined, table)(snsEvent(), context)).rejects.toThrow(
      expect.objectContaining({ name: 'WebhookFanOutError' }),
    );
    statusFor.clear();
    const elsewhere = setup(undefined, table);
    expect(await elsewhere(snsEvent(), { ...context, awsRequestId: 'req-2' })).toEqual({
      delivered: 1,
      failed: 0,
    });
    expect(received.map((r) => r.path)).toEqual([`/services/${SLACK_TOKEN}`, `/workflows/${TEAMS_TOKEN}`]);
    expect(output.logs.at(-1)).toMatchObject({
      message: 'run record',
      run: { fn: 'alert-formatter', status: 'acted', reason: '1 delivered, 1 already delivered, 0 failed' },
    });
  });

  it('records a redelivered message whose channels all got it as skipped', async () => {
    const handler = setup();
    await handler(snsEvent(), context);
    expect(await handler(snsEvent(), context)).toEqual({ delivered: 0, failed: 0 });
    expect(received).toHaveLength(2);
    expect(output.logs.at(-1)).toMatchObject({ run: { status: 'skipped', event: 'done' } });
  });

  it('refuses a message from a topic that is not an alert topic', async () => {
    await expect(
      setup()(snsEvent(undefined, 'arn:aws:sns:eu-west-1:123456789012:other'), context),
    ).rejects.toThrow(expect.objectContaining({ name: 'InputError' }));
  });
});
