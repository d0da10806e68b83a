import { ArnFormat, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Key } from 'aws-cdk-lib/aws-kms';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { CfnLoggingConfiguration, CfnWebACL, CfnWebACLAssociation } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import type { WafSettings } from '../functions/shared/config';
import { allowCloudWatchLogs } from './log-encryption';

export interface PlatformWebAclProps {
  readonly settings: WafSettings;
  /** Prefix of the metric names, e.g. the platform's name. */
  readonly metricPrefix: string;
}

/** The AWS managed rule groups in front of the platform, in evaluation order after the rate rule. */
export const MANAGED_RULE_GROUPS = [
  'AWSManagedRulesAmazonIpReputationList',
  'AWSManagedRulesCommonRuleSet',
  'AWSManagedRulesKnownBadInputsRuleSet',
] as const;

/**
 * A regional WAFv2 web ACL: a per-IP rate limit, then AWS's IP reputation list, common rule set
 * and known bad inputs; everything else is allowed. `count` mode records instead of blocking.
 * Every request WAF looks at is logged to a KMS-encrypted log group (named `aws-waf-logs-…`, as
 * WAF requires). {@link associate} puts it in front of an ALB or an API Gateway stage.
 */
export class PlatformWebAcl extends Construct {
  readonly webAcl: CfnWebACL;
  readonly logGroup: LogGroup;
  readonly key: Key;

  constructor(scope: Construct, id: string, props: PlatformWebAclProps) {
    super(scope, id);
    const { settings } = props;
    if (!settings.enabled) {
      throw new Error('PlatformWebAcl needs waf.enabled: leave the construct out when the web ACL is off.');
    }
    const count = settings.mode === 'count';
    const visibility = (name: string): CfnWebACL.VisibilityConfigProperty => ({
      cloudWatchMetricsEnabled: true,
      sampledRequestsEnabled: true,
      metricName: `${props.metricPrefix}-${name}`,
    });
    this.webAcl = new CfnWebACL(this, 'WebAcl', {
      scope: 'REGIONAL',
      description: `MisyBot HA edge - per-IP rate limit and AWS managed rules, mode ${settings.mode}`,
      defaultAction: { allow: {} },
      visibilityConfig: visibility('web-acl'),
      rules: [
        {
          name: 'RateLimitPerIp',
          priority: 0,
          statement: {
            rateBasedStatement: { limit: settings.rateLimitPer5Minutes, aggregateKeyType: 'IP' },
          },
          action: count ? { count: {} } : { block: {} },
          visibilityConfig: visibility('rate-limit'),
        },
        ...MANAGED_RULE_GROUPS.map((name, index) => ({
          name,
          priority: index + 1,
          statement: { managedRuleGroupStatement: { vendorName: 'AWS', name } },
          overrideAction: count ? { count: {} } : { none: {} },
          visibilityConfig: visibility(name),
        })),
      ],
    });

    // Logged requests carry headers and URIs: the log group has its own key.
    this.key = new Key(this, 'LogKey', {
      description: 'Encrypts the MisyBot HA web ACL logs',
      enableKeyRotation: true,
    });
    allowCloudWatchLogs(this.key);
    const logGroupName = `aws-waf-logs-${props.metricPrefix}-${this.node.addr.slice(0, 8)}`;
    this.logGroup = new LogGroup(this, 'Logs', {
      logGroupName,
      encryptionKey: this.key,
      retention: settings.logRetentionDays as RetentionDays,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const logging = new CfnLoggingConfiguration(this, 'Logging', {
      resourceArn: this.webAcl.attrArn,
      // WAF wants the log group's ARN without the ":*" that GetAtt Arn ends with.
      logDestinationConfigs: [
        Stack.of(this).formatArn({
          service: 'logs',
          resource: 'log-group',
          resourceName: logGroupName,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      ],
    });
    logging.node.addDependency(this.logGroup);
  }

  /** Puts the web ACL in front of `resourceArn` (an ALB or an API Gateway stage). */
  associate(id: string, resourceArn: string): CfnWebACLAssociation {
    return new CfnWebACLAssociation(this, id, { resourceArn, webAclArn: this.webAcl.attrArn });
  }
}
