/**
 * Resolves `Ref`, `Fn::GetAtt`, `Fn::Join` and `Fn::Select` of `Fn::Split` as CloudFormation would, with made-up values:
 * pseudo parameters for eu-west-1 / 123456789012, `refs` for named resources (`LogicalId` for a
 * `Ref`, `LogicalId.Attribute` for a `Fn::GetAtt`), and an SNS-topic-like ARN for any other `Ref`.
 * @throws {Error} for another intrinsic, or a `Fn::GetAtt` that `refs` does not name.
 */
export function deployTime(value: unknown, refs: Record<string, string> = {}): string {
  if (typeof value === 'string') return value;
  const v = value as {
    Ref?: string;
    'Fn::GetAtt'?: [string, string];
    'Fn::Join'?: [string, unknown[]];
    'Fn::Select'?: [number, { 'Fn::Split'?: [string, unknown] }];
  };
  const pseudo: Record<string, string> = {
    'AWS::Partition': 'aws',
    'AWS::Region': 'eu-west-1',
    'AWS::AccountId': '123456789012',
  };
  if (v.Ref) return pseudo[v.Ref] ?? refs[v.Ref] ?? `arn:aws:sns:eu-west-1:123456789012:${v.Ref}`;
  if (v['Fn::GetAtt']) {
    const attribute = refs[v['Fn::GetAtt'].join('.')];
    if (attribute !== undefined) return attribute;
  }
  const split = v['Fn::Select']?.[1]['Fn::Split'];
  if (v['Fn::Select'] && split) {
    const part = deployTime(split[1], refs).split(split[0])[v['Fn::Select'][0]];
    if (part !== undefined) return part;
  }
  if (v['Fn::Join']) return v['Fn::Join'][1].map((part) => deployTime(part, refs)).join(v['Fn::Join'][0]);
  throw new Error(`cannot resolve ${JSON.stringify(value)}`);
}
