import { randomBytes } from 'node:crypto';
import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import type { CloudAssembly, StackArtifact, TemplateResource } from '../assembly/cloud-assembly';
import { IntrinsicResolver } from '../assembly/intrinsics';
import type { AwsClients } from './aws-clients';

/** A resource as deployed: its physical id and the attributes `Fn::GetAtt` reads. */
export interface DeployedResource {
  readonly stackName: string;
  readonly logicalId: string;
  readonly type: string;
  readonly physicalId: string;
  readonly attributes: Readonly<Record<string, unknown>>;
  /** The template's properties with every intrinsic evaluated. */
  readonly properties: Readonly<Record<string, unknown>>;
  /** True when the resource exists in the emulator; false for one only named (a Lambda function, a rule). */
  readonly emulated: boolean;
}

/** What a resource provisioner gets. */
export interface ProvisionRequest {
  readonly logicalId: string;
  readonly properties: Record<string, unknown>;
  readonly stackName: string;
  readonly clients: AwsClients;
  readonly accountId: string;
  readonly region: string;
  /** A CloudFormation-style generated name: `<stack>-<logical id>-<random>`, at most `max` characters. */
  generatedName(max?: number): string;
  /** A value for `GenerateSecretString`, or undefined to generate one. */
  readonly secretOverride?: string;
}

/** What a provisioner made. */
export interface Provisioned {
  readonly physicalId: string;
  readonly attributes?: Readonly<Record<string, unknown>>;
  /** @default true */
  readonly emulated?: boolean;
}

/** Creates one resource type in the emulator (or names it, for types the emulator does not hold). */
export type ResourceProvisioner = (request: ProvisionRequest) => Promise<Provisioned>;

/** How to deploy. */
export interface DeploymentOptions {
  readonly accountId: string;
  readonly region: string;
  readonly clients: AwsClients;
  readonly provisioners: Readonly<Record<string, ResourceProvisioner>>;
  /** For types without a provisioner: a physical id and attributes from the name alone. */
  readonly fallback: ResourceProvisioner;
  /** Values of template parameters (SSM-backed ones have no default to use). */
  readonly parameters?: (name: string, type: string, fallback: unknown) => Promise<unknown>;
  /** Secret values to use instead of generated ones, by logical id (e.g. the Redis AUTH token). */
  readonly secretOverrides?: Readonly<Record<string, string>>;
  /** The stacks to deploy, by name. @default every stack of the assembly */
  readonly stacks?: readonly string[];
}

/**
 * The cloud assembly deployed into the emulated account, as CloudFormation would: every stack in
 * order, every resource created once its references are (resolution is lazy, so a `Ref` creates
 * what it points at first), conditions honoured, dynamic references to Secrets Manager resolved.
 */
export class Deployment {
  private readonly deployed = new Map<string, Promise<DeployedResource>>();
  private readonly exports = new Map<string, unknown>();
  private readonly all: DeployedResource[] = [];

  constructor(
    readonly assembly: CloudAssembly,
    private readonly options: DeploymentOptions,
  ) {}

  /**
   * Deploys every stack: each resource of a type the emulator provisions or names, and whatever
   * those reference. Resources nothing here needs (NAT gateways, route tables, flow logs) stay
   * out. A failure names the resource.
   */
  async deploy(): Promise<void> {
    const stacks = this.assembly.stacks.filter(
      (stack) => this.options.stacks === undefined || this.options.stacks.includes(stack.stackName),
    );
    if (stacks.length === 0) {
      const known = this.assembly.stacks.map((stack) => stack.stackName).join(', ');
      throw new Error(`no stack ${this.options.stacks?.join(', ')} in the assembly (it has ${known})`);
    }
    for (const stack of stacks) {
      const resolver = this.resolverFor(stack);
      // Concurrently: the emulator is slow per call, not per load, and references order what must be.
      await Promise.all(
        Object.entries(stack.template.Resources).map(async ([logicalId, definition]) => {
          if (!(definition.Type in this.options.provisioners)) return;
          if (definition.Condition && !(await resolver.condition(definition.Condition))) return;
          await this.resource(stack, logicalId, resolver);
        }),
      );
      for (const output of Object.values(stack.template.Outputs ?? {})) {
        if (output.Export) {
          this.exports.set(
            String(await resolver.resolve(output.Export.Name)),
            await resolver.resolve(output.Value),
          );
        }
      }
    }
  }

  /** Every deployed resource of `type`, in deployment order. */
  ofType(type: string): DeployedResource[] {
    return this.all.filter((resource) => resource.type === type);
  }

  /** The deployed resource, by logical id (searched in every stack). */
  get(logicalId: string): DeployedResource {
    const found = this.all.find((resource) => resource.logicalId === logicalId);
    if (!found) throw new Error(`no deployed resource ${logicalId}`);
    return found;
  }

  private resolverFor(stack: StackArtifact): IntrinsicResolver {
    const { options } = this;
    const stackId = `arn:aws:cloudformation:${options.region}:${options.accountId}:stack/${stack.stackName}/${randomBytes(16).toString('hex')}`;
    const resolver: IntrinsicResolver = new IntrinsicResolver(stack.template, {
      accountId: options.accountId,
      region: options.region,
      partition: 'aws',
      stackName: stack.stackName,
      stackId,
      ref: async (logicalId) => (await this.resource(stack, logicalId, resolver)).physicalId,
      getAtt: async (logicalId, attribute) => {
        const resource = await this.resource(stack, logicalId, resolver);
        if (!(attribute in resource.attributes)) {
          throw new Error(
            `Fn::GetAtt ${logicalId}.${attribute}: the emulator does not know this attribute of ${resource.type} (local/account/resources)`,
          );
        }
        return resource.attributes[attribute];
      },
      parameter: async (name) => {
        const parameter = stack.template.Parameters?.[name];
        if (!parameter) throw new Error(`unknown parameter ${name}`);
        return options.parameters
          ? options.parameters(name, parameter.Type, parameter.Default)
          : parameter.Default;
      },
      importValue: async (name) => {
        if (!this.exports.has(name)) throw new Error(`Fn::ImportValue ${name}: no stack exports it`);
        return this.exports.get(name);
      },
    });
    return resolver;
  }

  private resource(
    stack: StackArtifact,
    logicalId: string,
    resolver: IntrinsicResolver,
  ): Promise<DeployedResource> {
    const key = `${stack.stackName}/${logicalId}`;
    let pending = this.deployed.get(key);
    if (!pending) {
      const definition = stack.template.Resources[logicalId];
      if (!definition) return Promise.reject(new Error(`${stack.stackName} has no resource ${logicalId}`));
      pending = this.create(stack, logicalId, definition, resolver).catch((error: Error) => {
        throw new Error(`deploying ${logicalId} (${definition.Type}): ${error.message}`, { cause: error });
      });
      this.deployed.set(key, pending);
    }
    return pending;
  }

  private async create(
    stack: StackArtifact,
    logicalId: string,
    definition: TemplateResource,
    resolver: IntrinsicResolver,
  ): Promise<DeployedResource> {
    const { options } = this;
    if (definition.Condition && !(await resolver.condition(definition.Condition))) {
      throw new Error(`${logicalId} is not deployed (condition ${definition.Condition} is false)`);
    }
    // DependsOn orders side effects of real deployments (routes before functions in the VPC); the
    // emulator needs only the references, which resolution already orders.
    const properties = await this.dynamicReferences(
      ((await resolver.resolve(definition.Properties ?? {})) ?? {}) as Record<string, unknown>,
    );
    const provision = options.provisioners[definition.Type] ?? options.fallback;
    const t0 = Date.now();
    const provisioned = await provision({
      logicalId,
      properties,
      stackName: stack.stackName,
      clients: options.clients,
      accountId: options.accountId,
      region: options.region,
      generatedName: (max = 64) => generatedName(stack.stackName, logicalId, max),
      ...(options.secretOverrides?.[logicalId] === undefined
        ? {}
        : { secretOverride: options.secretOverrides[logicalId] }),
    });
    if (process.env.DEPLOY_TIMING) console.log('T', Date.now() - t0, definition.Type, logicalId);
    const resource: DeployedResource = {
      stackName: stack.stackName,
      logicalId,
      type: definition.Type,
      physicalId: provisioned.physicalId,
      attributes: provisioned.attributes ?? {},
      properties,
      emulated: provisioned.emulated ?? true,
    };
    this.all.push(resource);
    return resource;
  }

  /** Replaces `{{resolve:secretsmanager:id:SecretString:key::}}` with the secret's value, as CloudFormation does. */
  private async dynamicReferences<T>(value: T): Promise<T> {
    if (typeof value === 'string') {
      const match = /^\{\{resolve:secretsmanager:(.+?):SecretString:([^:]*):[^:]*:[^}]*\}\}$/.exec(value);
      if (!match) return value;
      const secret = await this.options.clients.secrets.send(
        new GetSecretValueCommand({ SecretId: match[1] }),
      );
      const text = secret.SecretString ?? '';
      return (match[2] ? String((JSON.parse(text) as Record<string, unknown>)[match[2]]) : text) as T;
    }
    if (Array.isArray(value))
      return (await Promise.all(value.map((item) => this.dynamicReferences(item)))) as T;
    if (value !== null && typeof value === 'object') {
      const entries = await Promise.all(
        Object.entries(value).map(async ([key, item]) => [key, await this.dynamicReferences(item)] as const),
      );
      return Object.fromEntries(entries) as T;
    }
    return value;
  }
}

/** `<stack>-<logical id>-<12 random>` truncated like CloudFormation's generated names. */
export function generatedName(stackName: string, logicalId: string, max: number): string {
  const suffix = randomBytes(6).toString('hex').toUpperCase();
  const room = Math.max(1, max - suffix.length - 2);
  const stackPart = stackName.slice(0, Math.ceil(room / 2));
  const logicalPart = logicalId.slice(0, room - stackPart.length);
  return `${stackPart}-${logicalPart}-${suffix}`;
}
