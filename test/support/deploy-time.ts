/**
 * Resolves `Ref` and `Fn::Join` as CloudFormation would, with made-up values: pseudo parameters
 * for eu-west-1 / 123456789012, `refs` for named resources, and an SNS-topic-like ARN otherwise.
 */
export function deployTime(value: unknown, refs: Record<string, string> = {}): string {
  if (typeof value === 'string') return value;
  const v = value as { Ref?: string; 'Fn::Join'?: [string, unknown[]] };
  const pseudo: Record<string, string> = {
    'AWS::Partition': 'aws',
    'AWS::Region': 'eu-west-1',
    'AWS::AccountId': '123456789012',
  };
  if (v.Ref) return pseudo[v.Ref] ?? refs[v.Ref] ?? `arn:aws:sns:eu-west-1:123456789012:${v.Ref}`;
  if (v['Fn::Join']) return v['Fn::Join'][1].map((part) => deployTime(part, refs)).join(v['Fn::Join'][0]);
  throw new Error(`cannot resolve ${JSON.stringify(value)}`);
}
