import { DescribeImagesCommand } from '@aws-sdk/client-ec2';
import { CreateSecretCommand } from '@aws-sdk/client-secrets-manager';
import type { AwsClients } from '../account/aws-clients';
import { Deployment } from '../account/deployment';
import { dataProvisioners } from '../account/resources/data';
import { messagingAndMonitoringProvisioners } from '../account/resources/messaging-monitoring';
import { namedOnly, namedOnlyProvisioners } from '../account/resources/named-only';
import { networkAndComputeProvisioners } from '../account/resources/network-compute';
import type { CloudAssembly } from '../assembly/cloud-assembly';
import { WEBHOOK_HOSTS } from '../network/webhook-receiver';

/** The logical ids of secrets the replication groups take their AUTH token from. */
function authTokenSecrets(assembly: CloudAssembly): string[] {
  return assembly.stacks.flatMap((stack) =>
    Object.values(stack.template.Resources)
      .filter((r) => r.Type === 'AWS::ElastiCache::ReplicationGroup' && r.Properties?.AuthToken !== undefined)
      .flatMap((r) =>
        [...JSON.stringify(r.Properties?.AuthToken).matchAll(/"Ref":"([^"]+)"/g)].map((m) => m[1]!),
      ),
  );
}

/**
 * Deploys the assembly into the emulator. The Redis AUTH token secret takes the local Redis
 * server's password (the replication group and the cache worker must agree with the server the
 * relay reaches); the launch template's AMI parameter takes one of the emulator's images.
 */
export async function deployAssembly(
  assembly: CloudAssembly,
  emulator: AwsClients,
  account: { readonly accountId: string; readonly region: string },
  redisPassword: string | undefined,
  stack: string,
): Promise<Deployment> {
  const secretOverrides = Object.fromEntries(
    redisPassword === undefined ? [] : authTokenSecrets(assembly).map((id) => [id, redisPassword]),
  );
  const deployment = new Deployment(assembly, {
    ...account,
    clients: emulator,
    provisioners: {
      ...namedOnlyProvisioners,
      ...networkAndComputeProvisioners,
      ...dataProvisioners,
      ...messagingAndMonitoringProvisioners,
    },
    fallback: namedOnly,
    secretOverrides,
    stacks: [stack],
    parameters: async (_name, type, fallback) => {
      if (type.includes('AWS::EC2::Image::Id')) {
        const images = await emulator.ec2.send(
          new DescribeImagesCommand({ Owners: ['amazon'], MaxResults: 5 }),
        );
        return images.Images?.[0]?.ImageId;
      }
      return fallback;
    },
  });
  await deployment.deploy();
  return deployment;
}

/**
 * Creates the chat webhook secrets the deployment expects to exist (README: "Create them first"),
 * each holding the URL of the local stand-in for Slack or Teams. Names come from the alert
 * formatter's `WEBHOOKS` variable, as deployed.
 */
export async function createWebhookSecrets(
  emulator: AwsClients,
  webhooks: readonly { readonly protocol: string; readonly secretArn: string }[],
): Promise<void> {
  for (const [index, webhook] of webhooks.entries()) {
    const name = webhook.secretArn.slice(webhook.secretArn.indexOf(':secret:') + ':secret:'.length);
    const url =
      webhook.protocol === 'slack'
        ? `https://${WEBHOOK_HOSTS.slack}/services/T0EMULATED/B0000000${index}/emulated${index}`
        : `https://${WEBHOOK_HOSTS.teams}/webhookb2/emulated-${index}/IncomingWebhook/emulated/${index}`;
    await emulator.secrets
      .send(new CreateSecretCommand({ Name: name, SecretString: JSON.stringify({ url }) }))
      .catch((error: Error) => {
        if (error.name !== 'ResourceExistsException') throw error;
      });
  }
}
