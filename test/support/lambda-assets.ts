import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { App, type Stack } from 'aws-cdk-lib';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import cdkJson from '../../cdk.json';
import type { PlatformConfig } from '../../functions/shared/config';
import { ControlFunction } from '../../lib/control-plane/control-function';
import { addPlatformStacks } from '../../lib/regional/platform-app';

/** A control function as `cdk synth` leaves it: the construct, its template properties and its assets. */
export interface SynthesizedFunction {
  readonly fn: ControlFunction;
  /** POWERTOOLS_SERVICE_NAME, the name the platform knows the function by. */
  readonly serviceName: string;
  /** The function's CloudFormation properties, tokens unresolved. */
  readonly properties: Record<string, unknown> & { Environment?: { Variables?: Record<string, unknown> } };
  /** The directory zipped into the code package. */
  readonly codeDir: string;
  /** The directories of its layers' packages. */
  readonly layerDirs: readonly string[];
  /** The name of the stack it is in. */
  readonly stackName: string;
  /** The template of every stack of the app, by stack name, to resolve its references against. */
  readonly templates: Readonly<Record<string, Template>>;
}

type Resources = Record<
  string,
  { Type: string; Properties?: Record<string, unknown>; Metadata?: Record<string, unknown> }
>;
interface Template {
  readonly Resources: Resources;
  readonly Outputs?: Record<string, { Value: unknown }>;
}

/**
 * Synthesises the platform for `config` into `outdir` as `bin/app.ts` does (every stack, the
 * standby region's too when `regions` is set), with the real bundling (esbuild, as `cdk synth`
 * runs it), and returns every control function with its assets. Slow: seconds per function.
 */
export function synthesizeControlFunctions(
  config: PlatformConfig,
  outdir: string,
): readonly SynthesizedFunction[] {
  const app = new App({
    outdir,
    context: { ...cdkJson.context, 'aws:cdk:enable-asset-metadata': true },
  });
  const stacks = Object.values(addPlatformStacks(app, config)).filter((s): s is Stack => s !== undefined);
  const assembly = app.synth();
  const templates: Record<string, Template> = Object.fromEntries(
    stacks.map((stack) => [stack.stackName, assembly.getStackByName(stack.stackName).template as Template]),
  );
  return stacks.flatMap((stack) => {
    const resources = templates[stack.stackName]!.Resources;
    const assetDir = (logicalId: string) => {
      const path = resources[logicalId]?.Metadata?.['aws:asset:path'];
      if (typeof path !== 'string') throw new Error(`${logicalId} has no asset in ${outdir}`);
      return join(outdir, path);
    };
    return stack.node
      .findAll()
      .filter((c): c is ControlFunction => c instanceof ControlFunction)
      .map((fn) => {
        const logicalId = stack.getLogicalId(fn.node.defaultChild as CfnFunction);
        const properties = resources[logicalId]!.Properties as SynthesizedFunction['properties'];
        const layers = (properties.Layers as Array<{ Ref: string }> | undefined) ?? [];
        return {
          fn,
          serviceName: String(properties.Environment?.Variables?.POWERTOOLS_SERVICE_NAME),
          properties,
          codeDir: assetDir(logicalId),
          layerDirs: layers.map((layer) => assetDir(layer.Ref)),
          stackName: stack.stackName,
          templates,
        };
      });
  });
}

/** Every file under `dir`, relative to it. */
export function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((name) =>
    statSync(join(dir, name)).isFile(),
  );
}

/**
 * The size of `dir` as a zip archive (deflate at level 9, as the CDK asset zipper writes it):
 * the compressed data plus each entry's local header, data descriptor and central-directory record.
 */
export function zippedBytes(dir: string): number {
  let bytes = 22;
  for (const name of filesUnder(dir)) {
    const nameBytes = Buffer.byteLength(relative(dir, join(dir, name)));
    bytes += deflateRawSync(readFileSync(join(dir, name)), { level: 9 }).length;
    bytes += 30 + nameBytes + 16 + 46 + nameBytes;
  }
  return bytes;
}

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const PSEUDO: Record<string, string> = {
  'AWS::Partition': 'aws',
  'AWS::Region': REGION,
  'AWS::AccountId': ACCOUNT,
  'AWS::URLSuffix': 'amazonaws.com',
  'AWS::StackName': 'misybot-ha',
};

/**
 * The function's environment variables with every CloudFormation reference replaced by a value
 * of the right shape (an SNS topic ARN for a topic, a target group ARN for a target group, a host
 * name for an attribute), so its module initialises as it would once deployed.
 */
export function deployedEnvironment(fn: SynthesizedFunction): Record<string, string> {
  const resolve = (value: unknown, stackName: string): string => {
    if (typeof value === 'string') return value;
    const resources = fn.templates[stackName]!.Resources;
    const token = value as Record<string, unknown>;
    if (typeof token.Ref === 'string') return refValue(token.Ref, resources[token.Ref]?.Type);
    const getAtt = token['Fn::GetAtt'] as [string, string] | undefined;
    if (getAtt)
      return `${getAtt[0].toLowerCase()}-${getAtt[1].toLowerCase().replace(/\W+/g, '-')}.example.com`;
    const join = token['Fn::Join'] as [string, unknown[]] | undefined;
    if (join) return join[1].map((part) => resolve(part, stackName)).join(join[0]);
    const select = token['Fn::Select'] as [number | string, unknown] | undefined;
    if (select) {
      const [index, list] = select;
      const split = (list as Record<string, unknown>)['Fn::Split'] as [string, unknown] | undefined;
      const items = split ? resolve(split[1], stackName).split(split[0]) : (list as unknown[]);
      return resolve(items[Number(index)], stackName);
    }
    // A cross-region reference: the producing stack's output, resolved in that stack.
    const output = token['Fn::GetStackOutput'] as { StackName: string; OutputName: string } | undefined;
    const produced = output && fn.templates[output.StackName]?.Outputs?.[output.OutputName];
    if (output && produced) return resolve(produced.Value, output.StackName);
    throw new Error(`${fn.serviceName}: cannot resolve ${JSON.stringify(value)} in ${stackName}`);
  };
  return Object.fromEntries(
    Object.entries(fn.properties.Environment?.Variables ?? {}).map(([name, value]) => [
      name,
      resolve(value, fn.stackName),
    ]),
  );
}

function refValue(logicalId: string, type: string | undefined): string {
  if (PSEUDO[logicalId]) return PSEUDO[logicalId];
  const arn = (service: string, resource: string) => `arn:aws:${service}:${REGION}:${ACCOUNT}:${resource}`;
  const short = logicalId.toLowerCase().slice(0, 24);
  switch (type) {
    case 'AWS::SNS::Topic':
      return arn('sns', logicalId);
    case 'AWS::SecretsManager::Secret':
    // Its Ref is the attached secret's ARN.
    case 'AWS::SecretsManager::SecretTargetAttachment':
      return arn('secretsmanager', `secret:${logicalId}-AbCdEf`);
    case 'AWS::ElasticLoadBalancingV2::TargetGroup':
      return arn('elasticloadbalancing', `targetgroup/${short}/0123456789abcdef`);
    case 'AWS::ElasticLoadBalancingV2::Listener':
      return arn('elasticloadbalancing', `listener/app/${short}/0123456789abcdef/0123456789abcdef`);
    default:
      return short;
  }
}
