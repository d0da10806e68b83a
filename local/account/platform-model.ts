import type { FunctionSpec } from '../runtime/function-runner';
import type { DeployedResource, Deployment } from './deployment';

type Props = Record<string, unknown>;

/** A deployed function with what Lambda's asynchronous invocation does with its events. */
export interface DeployedFunction extends FunctionSpec {
  readonly logicalId: string;
  /** Powertools service name (`scaling`, `failover`, ...): how scenarios name functions. */
  readonly service: string;
  readonly maxRetries: number;
  readonly maxEventAgeSeconds: number;
  /** ARN of the on-failure destination (an SQS queue), if any. */
  readonly onFailure?: string;
}

/** An EventBridge rule with its Lambda targets. */
export interface DeployedRule {
  readonly logicalId: string;
  readonly name: string;
  readonly arn: string;
  readonly enabled: boolean;
  readonly scheduleExpression?: string;
  readonly eventPattern?: unknown;
  readonly targets: readonly {
    readonly arn: string;
    readonly input?: string;
    readonly deadLetterArn?: string;
  }[];
}

/** An SNS subscription. */
export interface DeployedSubscription {
  readonly topicArn: string;
  readonly protocol: string;
  readonly endpoint: string;
  readonly filterPolicy?: Props;
  readonly rawMessageDelivery: boolean;
}

/** An API Gateway method and the function behind it. */
export interface DeployedMethod {
  readonly httpMethod: string;
  /** `/failover/{component}` */
  readonly resourcePath: string;
  readonly authorizationType: string;
  readonly functionArn?: string;
}

/**
 * What the driver needs from the deployed platform, read from the template as deployed (no
 * hand-kept copy of the wiring): the functions with their code, handler, environment, timeout,
 * concurrency and asynchronous-invocation settings; the EventBridge rules; the SNS
 * subscriptions; the alarms; the admin API's methods; the failover DNS records.
 */
export class PlatformModel {
  readonly functions: DeployedFunction[];
  readonly rules: DeployedRule[];
  readonly subscriptions: DeployedSubscription[];
  readonly alarms: DeployedResource[];
  readonly methods: DeployedMethod[];

  constructor(readonly deployment: Deployment) {
    this.functions = this.readFunctions();
    this.rules = deployment.ofType('AWS::Events::Rule').map((rule) => this.readRule(rule));
    this.subscriptions = deployment.ofType('AWS::SNS::Subscription').map(({ properties: p }) => ({
      topicArn: String(p.TopicArn),
      protocol: String(p.Protocol),
      endpoint: String(p.Endpoint),
      ...(p.FilterPolicy ? { filterPolicy: p.FilterPolicy as Props } : {}),
      rawMessageDelivery: p.RawMessageDelivery === true || p.RawMessageDelivery === 'true',
    }));
    this.alarms = deployment.ofType('AWS::CloudWatch::Alarm');
    this.methods = this.readMethods();
  }

  /** The function whose Powertools service name is `service`. */
  fn(service: string): DeployedFunction {
    const found = this.functions.find((f) => f.service === service);
    if (!found)
      throw new Error(
        `no deployed function with POWERTOOLS_SERVICE_NAME=${service} (have: ${this.functions.map((f) => f.service).join(', ')})`,
      );
    return found;
  }

  /** The function with this name or ARN. */
  byNameOrArn(nameOrArn: string): DeployedFunction | undefined {
    return this.functions.find(
      (f) => f.name === nameOrArn || f.arn === nameOrArn || nameOrArn.startsWith(`${f.arn}:`),
    );
  }

  /** The one deployed resource of `type`. */
  only(type: string): DeployedResource {
    const found = this.deployment.ofType(type);
    if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
    return found[0]!;
  }

  private readFunctions(): DeployedFunction[] {
    const { deployment } = this;
    const configs = deployment.ofType('AWS::Lambda::EventInvokeConfig');
    return deployment.ofType('AWS::Lambda::Function').flatMap((resource) => {
      const p = resource.properties;
      const definition = deployment.assembly.stacks.find((stack) => stack.stackName === resource.stackName)
        ?.template.Resources[resource.logicalId];
      const codeDir = definition ? deployment.assembly.assetDirectory(definition) : undefined;
      const environment = ((p.Environment as Props | undefined)?.Variables ?? {}) as Record<string, unknown>;
      // Functions without a local asset (inline code, custom resource providers) are not run here.
      if (!codeDir || environment.POWERTOOLS_SERVICE_NAME === undefined) return [];
      const config = configs.find((c) => c.properties.FunctionName === resource.physicalId)?.properties;
      const onFailure = ((config?.DestinationConfig as Props | undefined)?.OnFailure as Props | undefined)
        ?.Destination;
      const logGroup =
        ((p.LoggingConfig as Props | undefined)?.LogGroup as string | undefined) ??
        `/aws/lambda/${resource.physicalId}`;
      return [
        {
          logicalId: resource.logicalId,
          service: String(environment.POWERTOOLS_SERVICE_NAME),
          name: resource.physicalId,
          arn: String(resource.attributes.Arn),
          codeDir,
          handler: String(p.Handler ?? 'index.handler'),
          environment: Object.fromEntries(Object.entries(environment).map(([k, v]) => [k, String(v)])),
          timeoutSeconds: Number(p.Timeout ?? 3),
          memoryMiB: Number(p.MemorySize ?? 128),
          ...(p.ReservedConcurrentExecutions === undefined
            ? {}
            : { reservedConcurrency: Number(p.ReservedConcurrentExecutions) }),
          logGroupName: logGroup,
          maxRetries: Number(config?.MaximumRetryAttempts ?? 2),
          maxEventAgeSeconds: Number(config?.MaximumEventAgeInSeconds ?? 21_600),
          ...(onFailure ? { onFailure: String(onFailure) } : {}),
        },
      ];
    });
  }

  private readRule(rule: DeployedResource): DeployedRule {
    const p = rule.properties;
    return {
      logicalId: rule.logicalId,
      name: rule.physicalId,
      arn: String(rule.attributes.Arn),
      enabled: (p.State ?? 'ENABLED') === 'ENABLED',
      ...(p.ScheduleExpression ? { scheduleExpression: String(p.ScheduleExpression) } : {}),
      ...(p.EventPattern ? { eventPattern: p.EventPattern } : {}),
      targets: ((p.Targets ?? []) as Props[]).map((target) => ({
        arn: String(target.Arn),
        ...(target.Input === undefined ? {} : { input: String(target.Input) }),
        ...((target.DeadLetterConfig as Props | undefined)?.Arn
          ? { deadLetterArn: String((target.DeadLetterConfig as Props).Arn) }
          : {}),
      })),
    };
  }

  private readMethods(): DeployedMethod[] {
    const { deployment } = this;
    const resources = new Map(deployment.ofType('AWS::ApiGateway::Resource').map((r) => [r.physicalId, r]));
    const pathOf = (id: string): string => {
      const resource = resources.get(id);
      if (!resource) return '';
      return `${pathOf(String(resource.properties.ParentId))}/${String(resource.properties.PathPart)}`;
    };
    return deployment.ofType('AWS::ApiGateway::Method').map(({ properties: p }) => {
      const uri = String((p.Integration as Props | undefined)?.Uri ?? '');
      const functionArn = /functions\/(arn:[^/]+)\/invocations/.exec(uri)?.[1];
      return {
        httpMethod: String(p.HttpMethod),
        resourcePath: pathOf(String(p.ResourceId)) || '/',
        authorizationType: String(p.AuthorizationType ?? 'NONE'),
        ...(functionArn ? { functionArn } : {}),
      };
    });
  }
}
