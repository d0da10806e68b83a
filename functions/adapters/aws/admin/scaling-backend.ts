import {
  type AutoScalingClient,
  DescribeAutoScalingGroupsCommand,
  SetDesiredCapacityCommand,
} from '@aws-sdk/client-auto-scaling';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '../../../core/admin/errors';
import type { GroupCapacity, PolicyOverride, ScalingBackend, ScalingRecord } from '../../../core/admin/ports';
import type { ScalingStateStore } from '../../../core/scaling/ports';

const KEYS = new Set(['pk', 'sk', 'gsi1pk', 'gsi1sk', 'expiresAt']);
const plain = (item: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(item).filter(([key]) => !KEYS.has(key)));

/**
 * The fleet's Auto Scaling group through the SDK, and the scaling function's items in the state
 * table (`SCALING#<group>`: `POLICY`, `LATEST`, `DECISION#<iso>#<event>`; see
 * `scaling-state-store.ts`). The override is read through the scaling function's own store and
 * written in its layout: the `policy` attribute holds the document.
 */
export class AwsScalingBackend implements ScalingBackend {
  constructor(
    private readonly autoScaling: AutoScalingClient,
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly store: Pick<ScalingStateStore, 'loadPolicyOverride'>,
  ) {}

  async group(name: string): Promise<GroupCapacity | undefined> {
    const output = await this.autoScaling.send(
      new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }),
    );
    const group = output.AutoScalingGroups?.[0];
    if (!group) return undefined;
    return {
      name,
      minCapacity: group.MinSize ?? 0,
      maxCapacity: group.MaxSize ?? 0,
      desiredCapacity: group.DesiredCapacity ?? 0,
      instances: (group.Instances ?? []).map((instance) => ({
        id: instance.InstanceId ?? '?',
        lifecycleState: instance.LifecycleState ?? 'unknown',
        healthStatus: instance.HealthStatus ?? 'unknown',
      })),
    };
  }

  async record(name: string, decisions: number): Promise<ScalingRecord> {
    const pk = `SCALING#${name}`;
    const [override, latest, history] = await Promise.all([
      this.store.loadPolicyOverride(name),
      this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk, sk: 'LATEST' } })),
      this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :decision)',
          ExpressionAttributeValues: { ':pk': pk, ':decision': 'DECISION#' },
          ScanIndexForward: false,
          Limit: decisions,
        }),
      ),
    ]);
    return {
      ...(override
        ? {
            override: {
              policy: override.document,
              ...(override.updatedAt ? { updatedAt: override.updatedAt } : {}),
              ...(override.updatedBy ? { updatedBy: override.updatedBy } : {}),
            },
          }
        : {}),
      ...(latest.Item ? { latest: plain(latest.Item) } : {}),
      decisions: (history.Items ?? []).map(plain),
    };
  }

  async savePolicy(name: string, override: PolicyOverride): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: `SCALING#${name}`,
          sk: 'POLICY',
          policy: JSON.parse(JSON.stringify(override.policy)),
          updatedAt: override.updatedAt,
          updatedBy: override.updatedBy,
          reason: override.reason,
        },
      }),
    );
  }

  /** @throws {ConflictError} when `honorCooldown` is set and the group is in a cooldown or scaling. */
  async setCapacity(name: string, desiredCapacity: number, honorCooldown: boolean): Promise<void> {
    try {
      await this.autoScaling.send(
        new SetDesiredCapacityCommand({
          AutoScalingGroupName: name,
          DesiredCapacity: desiredCapacity,
          HonorCooldown: honorCooldown,
        }),
      );
    } catch (error) {
      if ((error as { name?: string }).name === 'ScalingActivityInProgressFault')
        throw new ConflictError(
          `${name} is in a cooldown or a scaling activity; retry later or drop honorCooldown`,
          [],
          {
            cause: error,
          },
        );
      throw error;
    }
  }
}
