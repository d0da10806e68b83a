import { type EmfDocument, EndpointMetrics } from '@misybot-ha/metrics';
import type { CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { type PlatformConfigInput, parsePlatformConfig } from '../../functions/shared/config';
import { AlertTopics } from '../../lib/alert-topics';
import { EndpointAlarms } from '../../lib/endpoint-alarms';
import { testApp, testStack } from '../support/cdk';
import { awsSolutionsFindings } from '../support/nag';

type Endpoints = NonNullable<PlatformConfigInput['endpoints']>;

const chat = { route: '/chat/:id', method: 'GET', p95Ms: 300, p99Ms: 1000, errorRatePercent: 1 } as const;
const post = {
  route: '/chat/:id/messages',
  method: 'POST',
  p99Ms: 2000,
  severity: 'critical',
  evaluationPeriods: 4,
  datapointsToAlarm: 4,
  errorRatePercent: 2.5,
  errorRateMinRequests: 50,
} as const;

function build(endpoints: Endpoints, stack: Stack = testStack()) {
  const topics = new AlertTopics(stack, 'Alerts', { settings: parsePlatformConfig({}).alerting });
  const settings = parsePlatformConfig({ endpoints }).endpoints;
  const construct = new EndpointAlarms(stack, 'Endpoints', { settings, topics });
  return { stack, topics, settings, construct };
}

function alarmProps(stack: Stack, construct: EndpointAlarms, id: string) {
  const entry = construct.alarms.find((a) => a.id === id);
  if (!entry) throw new Error(`no alarm ${id} among ${construct.alarms.map((a) => a.id).join(', ')}`);
  const { Resources } = Template.fromStack(stack).toJSON();
  return Resources[stack.getLogicalId(entry.alarm.node.defaultChild as CfnElement)].Properties;
}

const sorted = (dimensions: { Name: string; Value: string }[]) =>
  [...dimensions].sort((a, b) => a.Name.localeCompare(b.Name));

describe('EndpointAlarms', () => {
  test('alarms on the configured thresholds only', () => {
    const { construct, stack } = build({ routes: [chat, post] });
    expect(construct.alarms.map((a) => a.id)).toEqual([
      'endpoint:GET /chat/:id:p95Ms',
      'endpoint:GET /chat/:id:p99Ms',
      'endpoint:GET /chat/:id:errorRatePercent',
      'endpoint:POST /chat/:id/messages:p99Ms',
      'endpoint:POST /chat/:id/messages:errorRatePercent',
    ]);
    // Plus the alert topics' own delivery-failures alarm.
    Template.fromStack(stack).resourceCountIs('AWS::CloudWatch::Alarm', 6);
  });

  test('latency alarms use the percentile of Latency on the recorder dimensions, per minute', () => {
    const { construct, stack } = build({ service: 'chat-api', routes: [chat] });
    for (const [field, statistic, threshold] of [
      ['p95Ms', 'p95', 300],
      ['p99Ms', 'p99', 1000],
    ] as const) {
      const props = alarmProps(stack, construct, `endpoint:GET /chat/:id:${field}`);
      expect(props).toMatchObject({
        Namespace: 'MisyBot/Endpoints',
        MetricName: 'Latency',
        ExtendedStatistic: statistic,
        Period: 60,
        Threshold: threshold,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        EvaluationPeriods: 5,
        DatapointsToAlarm: 3,
        TreatMissingData: 'notBreaching',
      });
      expect(props.Unit).toBeUndefined();
      expect(sorted(props.Dimensions)).toEqual([
        { Name: 'Method', Value: 'GET' },
        { Name: 'Route', Value: '/chat/:id' },
        { Name: 'Service', Value: 'chat-api' },
      ]);
    }
  });

  test('the error-rate alarm divides Errors by Requests, guarded by the minimum request count', () => {
    const { construct, stack } = build({ namespace: 'Acme/Api', routes: [post] });
    const props = alarmProps(stack, construct, 'endpoint:POST /chat/:id/messages:errorRatePercent');
    expect(props).toMatchObject({
      Threshold: 2.5,
      EvaluationPeriods: 4,
      DatapointsToAlarm: 4,
      TreatMissingData: 'notBreaching',
    });
    const queries = props.Metrics as {
      Id: string;
      Expression?: string;
      ReturnData?: boolean;
      MetricStat?: {
        Metric: { Namespace: string; MetricName: string; Dimensions: { Name: string; Value: string }[] };
        Stat: string;
        Period: number;
      };
    }[];
    const expression = queries.find((q) => q.Expression);
    expect(expression).toMatchObject({
      Expression: 'IF(requests >= 50, 100 * FILL(errors, 0) / requests, 0)',
    });
    for (const [id, metricName] of [
      ['requests', 'Requests'],
      ['errors', 'Errors'],
    ]) {
      const query = queries.find((q) => q.Id === id);
      expect(query).toMatchObject({
        ReturnData: false,
        MetricStat: { Metric: { Namespace: 'Acme/Api', MetricName: metricName }, Stat: 'Sum', Period: 60 },
      });
      expect(sorted(query!.MetricStat!.Metric.Dimensions)).toEqual([
        { Name: 'Method', Value: 'POST' },
        { Name: 'Route', Value: '/chat/:id/messages' },
        { Name: 'Service', Value: 'misybot' },
      ]);
    }
  });

  test('every alarm notifies the topic of its route severity on ALARM and on OK', () => {
    const { construct, stack, topics } = build({ routes: [chat, { ...post, severity: 'info' }] });
    const severities = new Set<string>();
    for (const { id, severity } of construct.alarms) {
      severities.add(severity);
      const props = alarmProps(stack, construct, id);
      const topic = stack.resolve(topics.topic(severity).topicArn);
      expect({ id, actions: props.AlarmActions, ok: props.OKActions }).toEqual({
        id,
        actions: [topic],
        ok: [topic],
      });
    }
    expect(construct.alarms.filter((a) => a.id.startsWith('endpoint:GET')).map((a) => a.severity)).toEqual([
      'warning',
      'warning',
      'warning',
    ]);
    expect(severities).toEqual(new Set(['warning', 'info']));
  });

  test('creates no alarms and no widgets when no route is configured', () => {
    const { construct, stack } = build({});
    expect(construct.alarms).toEqual([]);
    expect(construct.widgets()).toEqual([]);
    // Only the alert topics' own delivery-failures alarm.
    Template.fromStack(stack).resourceCountIs('AWS::CloudWatch::Alarm', 1);
  });

  test('keeps each alarm in place when routes are reordered', () => {
    const logicalIds = (routes: Endpoints['routes']) => {
      const { construct, stack } = build({ routes });
      return new Map(
        construct.alarms.map((a) => [a.id, stack.getLogicalId(a.alarm.node.defaultChild as CfnElement)]),
      );
    };
    const forward = logicalIds([chat, post, { ...chat, route: '/chat/id' }]);
    const backward = logicalIds([{ ...chat, route: '/chat/id' }, post, chat]);
    expect(backward).toEqual(forward);
    expect(new Set(forward.values()).size).toBe(8);
  });

  test('watches exactly the namespace and dimensions the recorder writes', () => {
    const { construct, stack, settings } = build({ service: 'chat-api', routes: [chat] });
    const documents: EmfDocument[] = [];
    // The recorder's defaults, apart from the service every caller names.
    const recorder = new EndpointMetrics({
      service: settings.service,
      flushIntervalMs: 0,
      sink: (doc) => documents.push(doc),
    });
    recorder.record({ route: chat.route, method: 'get', statusCode: 200, durationMs: 12 });
    recorder.close();
    const [doc] = documents;
    const [directive] = doc!._aws.CloudWatchMetrics;
    const props = alarmProps(stack, construct, 'endpoint:GET /chat/:id:p95Ms');
    expect(directive!.Namespace).toBe(props.Namespace);
    const names = (props.Dimensions as { Name: string }[]).map((d) => d.Name).sort();
    expect(directive!.Dimensions.map((set) => [...set].sort())).toContainEqual(names);
    for (const { Name, Value } of props.Dimensions as { Name: string; Value: string }[]) {
      expect(doc![Name]).toBe(Value);
    }
    expect(directive!.Metrics.map((m) => m.Name)).toEqual(
      expect.arrayContaining(['Latency', 'Requests', 'Errors']),
    );
  });

  test('draws a heading, a service row and a row per route with the alarm thresholds', () => {
    const { construct, stack } = build({ service: 'chat-api', routes: [chat, post] });
    const widgets = construct.widgets();
    expect(widgets.map((w) => w.width)).toEqual([24, 24, 24, 24]);
    const rendered = JSON.stringify(stack.resolve(widgets.flatMap((w) => w.toJson())));
    for (const text of [
      'Endpoints: chat-api',
      'All routes: latency (ms)',
      'GET /chat/:id: latency (ms)',
      'POST /chat/:id/messages: requests and errors',
      '"stat":"p50"',
      '"stat":"p99"',
      '"label":"p95 alarm","value":300',
      '"label":"p99 alarm","value":2000',
      '"label":"error rate alarm","value":2.5',
      'IF(requests >= 1, 100 * FILL(errors, 0) / requests, 0)',
    ]) {
      expect(rendered).toContain(text);
    }
    // New widgets per call: laying one set out on a dashboard must not move another's.
    expect(construct.widgets()[1]).not.toBe(widgets[1]);
  });

  test('is cdk-nag clean', () => {
    const app = testApp();
    build({ routes: [chat, post] }, testStack(app));
    expect(awsSolutionsFindings(app)).toEqual([]);
  });
});
