import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { SNSEvent } from 'aws-lambda';
import fc from 'fast-check';
import { isPermanentWebhookFailure } from '../../../../functions/adapters/http/webhook-failures';
import { WebhookDeliveryError } from '../../../../functions/adapters/http/webhook-poster';
import { toSnsMessage } from '../../../../functions/core/alerting/formats/sns';
import { createFormatterHandler } from '../../../../functions/handlers/alert-formatter/handler';
import type { FormatterSettings } from '../../../../functions/handlers/alert-formatter/settings';
import { manualClock } from '../../../support/memory-coordination';
import {
  deliver,
  expectDoneOrParked,
  type FaultPlan,
  failing,
  faultError,
  faultPlans,
  faultSuite,
  faultyIdempotency,
  Injector,
  RecordingLog,
  RUNS,
  silentMetrics,
} from './faults';

const SITES = ['event-claim', 'event-complete', 'event-release', 'secret', 'post'] as const;
// ControlFunction's default: a failed invocation is retried twice, then parked.
const RETRIES = 2;
const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:critical';
const secret = (name: string) => `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${name}`;
const settings: FormatterSettings = {
  webhooks: [
    { severity: 'critical', protocol: 'slack', secretArn: secret('slack') },
    { severity: 'critical', protocol: 'teams', secretArn: secret('teams') },
    { severity: 'critical', protocol: 'slack', secretArn: secret('ops') },
  ],
  topicSeverities: new Map([[TOPIC, 'critical']]),
  stateTable: 'state',
};
const CHANNELS = ['slack', 'teams', 'ops'];

const event: SNSEvent = {
  Records: [
    {
      EventSource: 'aws:sns',
      EventVersion: '1.0',
      EventSubscriptionArn: `${TOPIC}:sub`,
      Sns: {
        Type: 'Notification',
        MessageId: 'msg-1',
        TopicArn: TOPIC,
        Subject: '[CRITICAL] misybot api is down',
        Message: toSnsMessage({
          version: 1,
          id: 'api@2026-01-01T00:00:00.000Z#1',
          incidentId: 'api@2026-01-01T00:00:00.000Z',
          kind: 'opened',
          severity: 'critical',
          component: 'api',
          status: 'down',
          title: 'api is down',
          reasons: ['HTTP 503'],
          checks: [],
          openedAt: '2026-01-01T00:00:00.000Z',
          at: '2026-01-01T00:00:00.000Z',
          labels: {},
        }).message,
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

interface Scenario {
  readonly plan: FaultPlan;
  /** A channel whose webhook is gone (404): a permanent failure, never retried. */
  readonly gone: number | null;
}

const scenarios: fc.Arbitrary<Scenario> = fc.record({
  plan: faultPlans(SITES),
  gone: fc.oneof(fc.constant(null), fc.constant(null), fc.integer({ min: 0, max: 2 })),
});

function world(scenario: Scenario) {
  const clock = manualClock(Date.UTC(2026, 0, 1));
  const injector = new Injector(scenario.plan);
  const events = faultyIdempotency(clock.now, injector);
  const received = new Map<string, number>();
  const violations: string[] = [];
  const log = new RecordingLog();
  const handler = createFormatterHandler({
    settings,
    urls: {
      url: async (arn) => {
        const fault = injector.next('secret');
        if (fault) throw faultError(fault === 'partial' ? 'timeout' : fault, 'secret');
        return `https://hooks.example.com/${arn.split(':').at(-1)}`;
      },
    },
    post: async (url) => {
      const channel = url.split('/').at(-1)!;
      const key = `alert-formatter#msg-1#${CHANNELS.indexOf(channel)}`;
      // A channel whose delivery is on record as done never gets the message again.
      if (events.records.get(key)?.status === 'completed') violations.push(`${channel} posted again`);
      if (scenario.gone !== null && CHANNELS[scenario.gone] === channel)
        throw new WebhookDeliveryError(`${channel}: HTTP 404`, 1, 404);
      const fault = injector.next('post');
      if (fault === 'throttle') throw new WebhookDeliveryError(`${channel}: HTTP 429`, 4, 429);
      if (fault === '5xx') throw new WebhookDeliveryError(`${channel}: HTTP 503`, 4, 503);
      received.set(channel, (received.get(channel) ?? 0) + 1);
      // Delivered, but the answer was lost: the retry may post again (at least once).
      if (fault) throw faultError('timeout', 'post');
      return { status: 200, attempts: 1 };
    },
    run: { idempotency: events, clock: clock.now, sleep: clock.sleep, random: () => 0.5 },
    log,
    isPermanent: isPermanentWebhookFailure,
    metrics: silentMetrics as unknown as Metrics,
  });
  let attempt = 0;
  const invoke = () =>
    handler(event, { awsRequestId: `req-${attempt++}`, getRemainingTimeInMillis: () => 90_000 });
  return { clock, injector, log, invoke, received, violations };
}

describe('alert formatter under injected faults', () => {
  it(`ends every message in a record, never posts a delivered message again, and never loses one (${RUNS} runs)`, async () => {
    await faultSuite('alert-formatter', scenarios, async (scenario) => {
      const w = world(scenario);
      const delivery = await deliver(w.invoke, w.log, w.clock.advance, RETRIES);
      return {
        delivery,
        units: 1,
        // Done: every channel that accepts messages got it.
        done: CHANNELS.every(
          (channel, index) => index === scenario.gone || (w.received.get(channel) ?? 0) > 0,
        ),
        faults: w.injector.injected,
        actions: [...w.received.values()].reduce((a, b) => a + b, 0),
        violations: w.violations,
      };
    });
  }, 600_000);

  it('loses no message whose delivery failed: done within the retries, parked (and alarmed) beyond them', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('secret', 'event-claim'),
        fc.integer({ min: 1, max: RETRIES + 2 }),
        async (site, times) => {
          // Every channel fails its first `times` attempts.
          const w = world({ plan: failing(site, times * CHANNELS.length), gone: null });
          const delivery = await deliver(w.invoke, w.log, w.clock.advance, RETRIES);
          const done = CHANNELS.every((channel) => (w.received.get(channel) ?? 0) > 0);
          expectDoneOrParked(delivery, done, times, RETRIES);
        },
      ),
      { numRuns: 200 },
    );
  }, 600_000);
});
