import { parseAwsRequest, queryList } from '../../../local/proxy/aws-request';

const signed = (service: string) => ({
  authorization: `AWS4-HMAC-SHA256 Credential=ASIAFUNCTION/20260101/us-east-1/${service}/aws4_request, SignedHeaders=host, Signature=x`,
});

describe('parseAwsRequest', () => {
  test('reads a JSON-protocol call from X-Amz-Target', () => {
    const request = parseAwsRequest(
      'POST',
      '/',
      { ...signed('dynamodb'), 'x-amz-target': 'DynamoDB_20120810.PutItem' },
      Buffer.from('{"TableName":"t"}'),
    );
    expect(request).toMatchObject({
      service: 'dynamodb',
      operation: 'PutItem',
      protocol: 'json',
      accessKeyId: 'ASIAFUNCTION',
      params: { TableName: 't' },
    });
  });

  test('reads a query-protocol call from its form body, lists included', () => {
    const request = parseAwsRequest(
      'POST',
      '/',
      { ...signed('autoscaling'), 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      Buffer.from(
        'Action=SetDesiredCapacity&AutoScalingGroupName=g&DesiredCapacity=4&Names.member.1=a&Names.member.2=b',
      ),
    );
    expect(request).toMatchObject({
      service: 'autoscaling',
      operation: 'SetDesiredCapacity',
      protocol: 'query',
    });
    expect(request.params.DesiredCapacity).toBe('4');
    expect(queryList(request.params, 'Names')).toEqual(['a', 'b']);
  });

  test("names Route 53's REST health-check operations by method and path", () => {
    const op = (method: string, path: string) =>
      parseAwsRequest(method, path, signed('route53'), Buffer.alloc(0));
    expect(op('GET', '/2013-04-01/healthcheck/abc').operation).toBe('GetHealthCheck');
    expect(op('POST', '/2013-04-01/healthcheck/abc').operation).toBe('UpdateHealthCheck');
    expect(op('GET', '/2013-04-01/healthcheck/abc/status')).toMatchObject({
      operation: 'GetHealthCheckStatus',
      params: { HealthCheckId: 'abc' },
    });
  });

  test("names Lambda's Invoke and the function from the path", () => {
    const request = parseAwsRequest(
      'POST',
      '/2015-03-31/functions/my-fn/invocations',
      signed('lambda'),
      Buffer.from('{}'),
    );
    expect(request).toMatchObject({
      service: 'lambda',
      operation: 'Invoke',
      protocol: 'rest-json',
      params: { FunctionName: 'my-fn' },
    });
  });
});
