import type { FaultProxy } from '../proxy/fault-proxy';
import type { EventBus } from './event-bus';
import type { SnsRouter } from './sns-router';

/** Message attributes of a query-protocol `Publish` (`MessageAttributes.entry.N.Name`, ...). */
function publishAttributes(
  params: Readonly<Record<string, unknown>>,
): Record<string, { Type: string; Value: string }> {
  const attributes: Record<string, { Type: string; Value: string }> = {};
  for (let index = 1; params[`MessageAttributes.entry.${index}.Name`] !== undefined; index++) {
    const prefix = `MessageAttributes.entry.${index}`;
    attributes[String(params[`${prefix}.Name`])] = {
      Type: String(params[`${prefix}.Value.DataType`] ?? 'String'),
      Value: String(params[`${prefix}.Value.StringValue`] ?? params[`${prefix}.Value.BinaryValue`] ?? ''),
    };
  }
  return attributes;
}

/**
 * What the functions hand to AWS's messaging, passed on as AWS would: a `Publish` the emulator
 * accepted goes to the topic's subscriptions; the entries of a `PutEvents` go to the event bus's
 * rules. moto stores both but delivers neither to an emulated function.
 */
export function installMessagingTaps(proxy: FaultProxy, sns: SnsRouter, bus: EventBus): void {
  proxy.intercept('sns', 'Publish', async (request, forward, caller) => {
    const response = await forward();
    if (response.status !== 200) return response;
    const messageId = /<MessageId>([^<]+)<\/MessageId>/.exec(response.body.toString('utf8'))?.[1] ?? '';
    const p = request.params;
    sns.publish({
      topicArn: String(p.TopicArn ?? p.TargetArn),
      messageId,
      ...(p.Subject === undefined ? {} : { subject: String(p.Subject) }),
      message: String(p.Message ?? ''),
      attributes: publishAttributes(p),
      publisher: caller ?? 'observer',
    });
    return response;
  });
  proxy.intercept('events', 'PutEvents', async (request, forward) => {
    const response = await forward();
    if (response.status !== 200) return response;
    const ids = (
      (JSON.parse(response.body.toString('utf8')) as { Entries?: { EventId?: string }[] }).Entries ?? []
    ).map((entry) => entry.EventId);
    const entries = (request.params.Entries ?? []) as Record<string, unknown>[];
    entries.forEach((entry, index) => {
      const time =
        entry.Time === undefined
          ? undefined
          : new Date(Number(entry.Time) * 1000 || String(entry.Time)).getTime();
      bus.put({
        source: String(entry.Source),
        detailType: String(entry.DetailType),
        detail: JSON.parse(String(entry.Detail ?? '{}')),
        resources: (entry.Resources as string[] | undefined) ?? [],
        ...(time === undefined || Number.isNaN(time) ? {} : { time }),
        ...(ids[index] ? { id: ids[index] } : {}),
      });
    });
    return response;
  });
}
