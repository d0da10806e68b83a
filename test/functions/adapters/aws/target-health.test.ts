import {
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  type TargetHealthDescription,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { mockClient } from 'aws-sdk-client-mock';
import { createTargetHealthProbe } from '../../../../functions/adapters/aws/target-health';
import { albCheck, named, signal, TARGET_GROUP_ARN, throttled } from './aws-fixtures';

const client = new ElasticLoadBalancingV2Client({ region: 'eu-west-1', maxAttempts: 1 });
const elb = mockClient(client);
const probe = createTargetHealthProbe(client);
const check = albCheck;
const target = (id: string, State: string, Reason?: string) =>
  ({
    Target: { Id: id, Port: 8080 },
    TargetHealth: { State, ...(Reason ? { Reason } : {}) },
  }) as TargetHealthDescription;

beforeEach(() => elb.reset());

describe('ALB target health probe', () => {
  it('asks DescribeTargetHealth for exactly the check’s target group', async () => {
    elb.on(DescribeTargetHealthCommand).resolves({ TargetHealthDescriptions: [] });
    await probe(check, signal());
    expect(elb.commandCalls(DescribeTargetHealthCommand).map((c) => c.args[0].input)).toEqual([
      { TargetGroupArn: TARGET_GROUP_ARN },
    ]);
  });

  it('is up with enough healthy targets and ignores ones registering or draining', async () => {
    elb.on(DescribeTargetHealthCommand).resolves({
      TargetHealthDescriptions: [
        target('i-1', 'healthy'),
        target('i-2', 'healthy'),
        target('i-3', 'initial'),
        target('i-4', 'draining'),
      ],
    });
    expect(await probe(check, signal())).toEqual({
      status: 'up',
      observed: { healthyTargets: 2, targets: 4 },
    });
  });

  it('warns about an unhealthy target even when enough others are healthy', async () => {
    elb.on(DescribeTargetHealthCommand).resolves({
      TargetHealthDescriptions: [
        target('i-1', 'healthy'),
        target('i-2', 'healthy'),
        target('i-3', 'unhealthy', 'Target.Timeout'),
      ],
    });
    expect((await probe(check, signal())).warning).toBe('1 unhealthy target(s): i-3:8080 (Target.Timeout)');
  });

  it('is down below the minimum, naming the unhealthy targets and why', async () => {
    elb.on(DescribeTargetHealthCommand).resolves({
      TargetHealthDescriptions: [
        target('i-1', 'healthy'),
        target('i-2', 'unhealthy', 'Target.ResponseCodeMismatch'),
      ],
    });
    expect(await probe(check, signal())).toEqual({
      status: 'down',
      error: '1 healthy target(s) of 2, need 2: i-2:8080 (Target.ResponseCodeMismatch)',
      observed: { healthyTargets: 1, targets: 2 },
    });
  });

  it('answers unknown when throttled, so no threshold moves', async () => {
    elb.on(DescribeTargetHealthCommand).rejects(throttled());
    expect(await probe(check, signal())).toEqual({
      status: 'unknown',
      error: 'DescribeTargetHealth throttled (ThrottlingException)',
    });
  });

  it('is down when the target group does not exist', async () => {
    elb
      .on(DescribeTargetHealthCommand)
      .rejects(named('TargetGroupNotFoundException', 'One or more target groups not found'));
    expect((await probe(check, signal())).status).toBe('down');
  });

  it('answers unknown on an aborted call (the runner’s timeout)', async () => {
    elb.on(DescribeTargetHealthCommand).rejects(named('AbortError', 'Request aborted'));
    expect(await probe(check, signal())).toEqual({
      status: 'unknown',
      error: 'DescribeTargetHealth timed out',
    });
  });
});
