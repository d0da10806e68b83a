import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { EventBridgeHealthEventPublisher } from '../../../../functions/adapters/aws/health-event-publisher';
import type { ComponentHealthChanged } from '../../../../functions/core/health/component-events';
import { throttled } from './aws-fixtures';

const client = new EventBridgeClient({ region: 'eu-west-1', maxAttempts: 1 });
const eventbridge = mockClient(client);
const event = (component: string): ComponentHealthChanged => ({
  component,
  status: 'down',
  previous: 'healthy',
  at: '2026-01-01T00:00:10.000Z',
  checks: [{ id: `${component}-check`, status: 'unhealthy' }],
});

beforeEach(() => eventbridge.reset());

describe('EventBridgeHealthEventPublisher', () => {
  it('puts each change on the default bus with the health source and detail type', async () => {
    eventbridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
    await new EventBridgeHealthEventPublisher(client).publish([event('api')]);
    expect(eventbridge.commandCalls(PutEventsCommand)[0]!.args[0].input).toEqual({
      Entries: [
        {
          Source: 'misybot.ha.health',
          DetailType: 'Component Health Changed',
          Detail: JSON.stringify(event('api')),
          Time: new Date('2026-01-01T00:00:10.000Z'),
        },
      ],
    });
  });

  it('sends at most ten entries per call, to a named bus when given', async () => {
    eventbridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0 });
    await new EventBridgeHealthEventPublisher(client, 'ops').publish(
      Array.from({ length: 12 }, (_, i) => event(`c${i}`)),
    );
    const calls = eventbridge.commandCalls(PutEventsCommand).map((c) => c.args[0].input.Entries!);
    expect(calls.map((entries) => entries.length)).toEqual([10, 2]);
    expect(calls.flat().every((entry) => entry.EventBusName === 'ops')).toBe(true);
  });

  it('rejects when EventBridge did not accept an entry, naming it', async () => {
    eventbridge.on(PutEventsCommand).resolves({
      FailedEntryCount: 1,
      Entries: [{ EventId: 'e-1' }, { ErrorCode: 'InternalFailure', ErrorMessage: 'try again' }],
    });
    await expect(
      new EventBridgeHealthEventPublisher(client).publish([event('api'), event('db')]),
    ).rejects.toThrow(
      expect.objectContaining({
        name: 'HealthEventPublishError',
        message: '1 of 2 health event(s) not accepted: db: InternalFailure try again',
      }),
    );
  });

  it('lets throttling surface so the status claim is put back for the next round', async () => {
    eventbridge.on(PutEventsCommand).rejects(throttled());
    await expect(new EventBridgeHealthEventPublisher(client).publish([event('api')])).rejects.toThrow(
      'Rate exceeded',
    );
  });
});
