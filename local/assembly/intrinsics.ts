import type { Template } from './cloud-assembly';

/** What a template's references resolve against: the deployed stack's resources and its account. */
export interface ResolutionContext {
  readonly accountId: string;
  readonly region: string;
  readonly partition: string;
  readonly stackName: string;
  readonly stackId: string;
  /** `Ref` of a resource: its physical id. */
  ref(logicalId: string): Promise<string>;
  /** `Fn::GetAtt` of a resource. */
  getAtt(logicalId: string, attribute: string): Promise<unknown>;
  /** A parameter's value (defaults and SSM-backed parameters resolved by the caller). */
  parameter(name: string): Promise<unknown>;
  /** `Fn::ImportValue`: another stack's export. */
  importValue(name: string): Promise<unknown>;
}

/** A template construct the emulator cannot evaluate. */
export class UnsupportedIntrinsicError extends Error {
  override readonly name = 'UnsupportedIntrinsicError';
}

const PSEUDO = [
  'AWS::AccountId',
  'AWS::Region',
  'AWS::Partition',
  'AWS::StackName',
  'AWS::StackId',
  'AWS::URLSuffix',
];
const NO_VALUE = Symbol('AWS::NoValue');

/**
 * Evaluates CloudFormation intrinsic functions against a deployed stack, as CloudFormation does
 * when it creates the resources: `Ref`, `Fn::GetAtt`, `Fn::Join`, `Fn::Sub`, `Fn::Select`,
 * `Fn::Split`, `Fn::If` with the template's conditions, `Fn::FindInMap`, `Fn::GetAZs`,
 * `Fn::ImportValue`, `Fn::Base64`, and the pseudo parameters. `AWS::NoValue` removes the property.
 */
export class IntrinsicResolver {
  private readonly conditions = new Map<string, Promise<boolean>>();

  constructor(
    private readonly template: Template,
    private readonly context: ResolutionContext,
  ) {}

  /** The value with every intrinsic evaluated. */
  async resolve(value: unknown): Promise<unknown> {
    const resolved = await this.evaluate(value);
    return resolved === NO_VALUE ? undefined : resolved;
  }

  /** Whether a named condition of the template holds. */
  condition(name: string): Promise<boolean> {
    let result = this.conditions.get(name);
    if (!result) {
      const definition = this.template.Conditions?.[name];
      if (definition === undefined) throw new UnsupportedIntrinsicError(`unknown condition ${name}`);
      result = this.evaluate(definition).then((value) => value === true || value === 'true');
      this.conditions.set(name, result);
    }
    return result;
  }

  private async evaluate(value: unknown): Promise<unknown> {
    if (Array.isArray(value)) {
      const items = await Promise.all(value.map((item) => this.evaluate(item)));
      return items.filter((item) => item !== NO_VALUE);
    }
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 1) {
      const [key, argument] = entries[0]!;
      if (key === 'Ref' || key.startsWith('Fn::') || key === 'Condition')
        return this.intrinsic(key, argument);
    }
    const result: Record<string, unknown> = {};
    for (const [key, item] of entries) {
      const evaluated = await this.evaluate(item);
      if (evaluated !== NO_VALUE) result[key] = evaluated;
    }
    return result;
  }

  private async intrinsic(name: string, argument: unknown): Promise<unknown> {
    const { context } = this;
    switch (name) {
      case 'Ref':
        return this.ref(String(argument));
      case 'Fn::GetAtt': {
        const [logicalId, ...path] = Array.isArray(argument) ? argument : String(argument).split('.');
        return context.getAtt(String(logicalId), path.map(String).join('.'));
      }
      case 'Fn::Join': {
        const [separator, parts] = argument as [string, unknown];
        const values = (await this.evaluate(parts)) as unknown[];
        return values.map(String).join(separator);
      }
      case 'Fn::Sub':
        return this.sub(argument);
      case 'Fn::Select': {
        const [index, list] = argument as [unknown, unknown];
        const items = (await this.evaluate(list)) as unknown[];
        return items[Number(await this.evaluate(index))];
      }
      case 'Fn::Split': {
        const [separator, text] = argument as [string, unknown];
        return String(await this.evaluate(text)).split(separator);
      }
      case 'Fn::If': {
        const [condition, whenTrue, whenFalse] = argument as [string, unknown, unknown];
        return this.evaluate((await this.condition(condition)) ? whenTrue : whenFalse);
      }
      case 'Condition':
        return this.condition(String(argument));
      case 'Fn::Equals': {
        const [a, b] = (await this.evaluate(argument)) as [unknown, unknown];
        return JSON.stringify(a) === JSON.stringify(b);
      }
      case 'Fn::Not':
        return !((await this.evaluate(argument)) as boolean[])[0];
      case 'Fn::And':
        return ((await this.evaluate(argument)) as boolean[]).every(Boolean);
      case 'Fn::Or':
        return ((await this.evaluate(argument)) as boolean[]).some(Boolean);
      case 'Fn::FindInMap': {
        const [map, top, second] = (await this.evaluate(argument)) as [string, string, string];
        const found = this.template.Mappings?.[map]?.[top]?.[second];
        if (found === undefined)
          throw new UnsupportedIntrinsicError(
            `Fn::FindInMap: ${map}.${top}.${second} is not in the template`,
          );
        return found;
      }
      case 'Fn::GetAZs': {
        const region = String((await this.evaluate(argument)) || context.region);
        return ['a', 'b', 'c'].map((zone) => `${region}${zone}`);
      }
      case 'Fn::ImportValue':
        return context.importValue(String(await this.evaluate(argument)));
      case 'Fn::Base64':
        return Buffer.from(String(await this.evaluate(argument))).toString('base64');
      default:
        throw new UnsupportedIntrinsicError(`${name} is not supported by the emulator`);
    }
  }

  private ref(name: string): Promise<unknown> | unknown {
    const { context } = this;
    switch (name) {
      case 'AWS::AccountId':
        return context.accountId;
      case 'AWS::Region':
        return context.region;
      case 'AWS::Partition':
        return context.partition;
      case 'AWS::StackName':
        return context.stackName;
      case 'AWS::StackId':
        return context.stackId;
      case 'AWS::URLSuffix':
        return 'amazonaws.com';
      case 'AWS::NoValue':
        return NO_VALUE;
      case 'AWS::NotificationARNs':
        return [];
    }
    if (this.template.Parameters?.[name]) return context.parameter(name);
    return context.ref(name);
  }

  private async sub(argument: unknown): Promise<string> {
    const [text, variables] = Array.isArray(argument)
      ? (argument as [string, unknown])
      : [String(argument), {}];
    const values = (await this.evaluate(variables)) as Record<string, unknown>;
    const parts: (string | Promise<unknown>)[] = [];
    let last = 0;
    for (const match of text.matchAll(/\$\{(!?)([^}]+)\}/g)) {
      parts.push(text.slice(last, match.index));
      last = match.index + match[0].length;
      const [, literal, expression] = match as unknown as [string, string, string];
      if (literal) parts.push(`\${${expression}}`);
      else if (expression in values) parts.push(String(values[expression]));
      else if (expression.includes('.') && !PSEUDO.includes(expression)) {
        const [logicalId, ...attribute] = expression.split('.');
        parts.push(this.context.getAtt(logicalId!, attribute.join('.')));
      } else parts.push(Promise.resolve(this.ref(expression)));
    }
    parts.push(text.slice(last));
    return (await Promise.all(parts)).map(String).join('');
  }
}
