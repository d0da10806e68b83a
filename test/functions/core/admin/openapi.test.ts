import * as z from 'zod';
import { buildOpenApiDocument } from '../../../../functions/core/admin/openapi';
import { routeList } from '../../../../functions/core/admin/routes';

const doc = buildOpenApiDocument({ serverUrl: 'https://example.execute-api.eu-west-1.amazonaws.com/v1' }) as {
  openapi: string;
  servers: { url: string }[];
  // biome-ignore lint/suspicious/noExplicitAny: the document is plain JSON.
  paths: Record<string, Record<string, any>>;
  // biome-ignore lint/suspicious/noExplicitAny: the document is plain JSON.
  components: any;
};

describe('the OpenAPI document', () => {
  it('is OpenAPI 3.1 with one operation per route, each signed with SigV4', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.servers).toEqual([{ url: 'https://example.execute-api.eu-west-1.amazonaws.com/v1' }]);
    const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({ path, method, op })),
    );
    expect(operations.map((o) => o.op.operationId).sort()).toEqual(routeList.map((r) => r.id).sort());
    for (const { op } of operations) expect(op.security).toEqual([{ sigv4: [] }]);
    expect(doc.components.securitySchemes.sigv4['x-amazon-apigateway-authtype']).toBe('awsSigv4');
  });

  it('documents each request body with the exact JSON Schema of the validating zod schema', () => {
    for (const route of routeList.filter((r) => r.body)) {
      const { $schema: _dialect, ...expected } = z.toJSONSchema(route.body!, {
        io: 'input',
        unrepresentable: 'any',
        reused: 'inline',
      });
      expect(
        doc.paths[route.path]![route.method.toLowerCase()].requestBody.content['application/json'].schema,
      ).toEqual(expected);
    }
    const capacity =
      doc.paths['/scaling/groups/{name}/capacity']!.put.requestBody.content['application/json'].schema;
    expect(capacity).toMatchObject({ additionalProperties: false, required: ['desiredCapacity', 'reason'] });
    const policy =
      doc.paths['/scaling/groups/{name}/policies']!.put.requestBody.content['application/json'].schema;
    expect(Object.keys(policy.properties.policy.properties)).toContain('targetTracking');
  });

  it('lists path, query and Idempotency-Key parameters, and problem answers for errors', () => {
    const remove = doc.paths['/alerts/silences/{id}']!.delete;
    expect(
      remove.parameters.map(
        (p: { name: string; in: string; required: boolean }) => `${p.in}:${p.name}:${p.required}`,
      ),
    ).toEqual(['path:id:true', 'query:reason:true', 'header:Idempotency-Key:false']);
    expect(doc.paths['/status']!.get.parameters).toEqual([]);
    expect(remove.responses['400'].content['application/problem+json'].schema).toEqual({
      $ref: '#/components/schemas/Problem',
    });
    expect(doc.components.schemas.Problem.required).toEqual(
      expect.arrayContaining(['type', 'title', 'status', 'detail', 'correlationId']),
    );
    expect(doc.paths['/failover/{component}']!.post.responses['202']).toBeDefined();
  });
});
