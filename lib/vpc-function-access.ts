import { ArnFormat, Stack, Validations } from 'aws-cdk-lib';
import type { ISecurityGroup, ISubnet, IVpc } from 'aws-cdk-lib/aws-ec2';
import { type IRole, ManagedPolicy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/**
 * What Lambda needs from the role of a function in a VPC to manage the function's network
 * interfaces, scoped to one VPC: a customer-managed policy in place of AWS's
 * `AWSLambdaVPCAccessExecutionRole`, which allows creating and deleting interfaces anywhere. One
 * policy per VPC, shared by every function in it, so its one unavoidable wildcard (the ids of the
 * interfaces Lambda has yet to create) is acknowledged once.
 */
export class VpcFunctionAccess extends Construct {
  /** The one instance for `vpc`, created inside it on first use. */
  static of(vpc: IVpc): VpcFunctionAccess {
    const existing = vpc.node.tryFindChild(ID);
    return existing instanceof VpcFunctionAccess ? existing : new VpcFunctionAccess(vpc, ID, vpc);
  }

  readonly policy: ManagedPolicy;
  private readonly interfaces: string;

  private constructor(scope: Construct, id: string, vpc: IVpc) {
    super(scope, id);
    this.interfaces = this.ec2Arn('network-interface', '*');
    this.policy = new ManagedPolicy(this, 'Policy', {
      description:
        'Network interfaces of the platform functions in the VPC: created in its subnets with its groups only',
      statements: [
        new PolicyStatement({
          actions: [
            'ec2:DeleteNetworkInterface',
            'ec2:AssignPrivateIpAddresses',
            'ec2:UnassignPrivateIpAddresses',
          ],
          resources: [this.interfaces],
          conditions: { ArnEquals: { 'ec2:Vpc': this.ec2Arn('vpc', vpc.vpcId) } },
        }),
        // Lambda checks the subnets and lists its interfaces; EC2 Describe calls have no resource-level permissions.
        new PolicyStatement({
          actions: ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets'],
          resources: ['*'],
        }),
      ],
    });
    Validations.of(this.policy).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ec2:<AWS::Region>:<AWS::AccountId>:network-interface/*]`,
      reason:
        'Lambda names the network interfaces it creates for a function when it creates them; creation is limited to the named subnets and security groups, deletion and address changes to interfaces of this VPC.',
    });
  }

  /**
   * Lets `role` run a function in `subnets` with `securityGroups`. The function must depend on
   * the policy (see {@link ControlFunction}): Lambda checks the permissions when it is created.
   */
  grant(role: IRole, subnets: readonly ISubnet[], securityGroups: readonly ISecurityGroup[]): void {
    this.policy.addStatements(
      new PolicyStatement({
        actions: ['ec2:CreateNetworkInterface'],
        resources: [
          this.interfaces,
          ...subnets.map((subnet) => this.ec2Arn('subnet', subnet.subnetId)),
          ...securityGroups.map((group) => this.ec2Arn('security-group', group.securityGroupId)),
        ],
      }),
    );
    role.addManagedPolicy(this.policy);
  }

  private ec2Arn(resource: string, name: string): string {
    return Stack.of(this).formatArn({
      service: 'ec2',
      resource,
      resourceName: name,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
  }
}

const ID = 'LambdaNetworkAccess';
