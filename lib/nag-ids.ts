import type { Stack } from 'aws-cdk-lib';

/**
 * A (possibly tokenised) string as cdk-nag prints it in finding ids (`{ Ref: X }` → `<X>`), so an
 * acknowledgement can name the one resource it excuses, e.g. `AwsSolutions-IAM5[Resource::…]`.
 */
export function renderForNag(stack: Stack, value: string): string {
  const render = (node: unknown): string => {
    if (typeof node === 'string') return node;
    const object = node as Record<string, unknown>;
    if ('Ref' in object) return `<${object.Ref as string}>`;
    if ('Fn::GetAtt' in object) return `<${(object['Fn::GetAtt'] as string[]).join('.')}>`;
    if ('Fn::Join' in object) {
      const [separator, parts] = object['Fn::Join'] as [string, unknown[]];
      return parts.map(render).join(separator);
    }
    return JSON.stringify(node);
  };
  return render(stack.resolve(value));
}
