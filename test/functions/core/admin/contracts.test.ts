import { RequestValidationError, UpstreamError } from '../../../../functions/core/admin/errors';
import { problemFor } from '../../../../functions/core/admin/problem';
import { failoverCommandSchema } from '../../../../functions/core/admin/schemas/requests';
import { failoverIncidentId } from '../../../../functions/core/admin/services/failover';
import { parseInput } from '../../../../functions/core/admin/validation';
import { decide } from '../../../../functions/core/failover/machine';
import { initialState } from '../../../../functions/core/failover/types';
import { parseFailoverCommand } from '../../../../functions/handlers/failover/command';
import { dbHealth, T0, testSettings } from '../failover/fixtures';

describe('contracts with the control functions', () => {
  it('names the incident the way the failover function and engine do', () => {
    const requestId = '5f0e4b7e-0c1d-4e0a-9a57-2f3b3c1d0e9f';
    const event = parseFailoverCommand({
      component: 'database',
      action: 'failover',
      dryRun: false,
      reason: 'writer degraded',
      requestedBy: 'arn:alice',
      requestId,
    });
    const decision = decide(
      initialState('database', T0),
      {
        kind: 'command',
        eventId: event.id,
        command: 'failover',
        dryRun: false,
        reason: 'writer degraded',
        requestedBy: 'arn:alice',
        health: dbHealth(),
      },
      testSettings(),
      T0,
    );
    expect(decision.verdict).toBe('started');
    expect(decision.next.incident?.id).toBe(failoverIncidentId('database', requestId));
  });

  it('sends only commands the failover function accepts', () => {
    const body = parseInput(failoverCommandSchema, { action: 'drill', reason: 'quarterly drill' }, 'body');
    expect(() =>
      parseFailoverCommand({
        component: 'cache',
        ...body,
        requestedBy: 'arn:alice',
        requestId: 'b5a0b6b4-1111-4a7e-8f0e-000000000001',
      }),
    ).not.toThrow();
  });
});

describe('problems and validation', () => {
  it('names every bad field with its location and path', () => {
    expect(() =>
      parseInput(failoverCommandSchema, { action: 'explode', reason: 'x', extra: 1 }, 'body'),
    ).toThrow(RequestValidationError);
    try {
      parseInput(failoverCommandSchema, { action: 'explode', reason: 'x', extra: 1 }, 'body');
    } catch (error) {
      expect((error as RequestValidationError).problems.map((p) => p.field)).toEqual([
        'body.action',
        'body.reason',
        'body.extra',
      ]);
    }
  });

  it('keeps domain messages, hides unexpected ones, and bounds echoed input', () => {
    const upstream = problemFor(
      new UpstreamError('The failover function failed'),
      'POST /failover/database',
      'c1',
    );
    expect(upstream).toMatchObject({
      status: 502,
      type: 'urn:misybot-ha:problem:upstream',
      detail: 'The failover function failed',
      correlationId: 'c1',
    });
    const internal = problemFor(new Error('password=hunter2 at db.internal'), 'GET /status', 'c2');
    expect(internal).toEqual({
      type: 'urn:misybot-ha:problem:internal',
      title: 'Internal error',
      status: 500,
      detail: 'The request failed unexpectedly. Quote the correlation id to the platform team.',
      instance: 'GET /status',
      correlationId: 'c2',
    });
    const long = problemFor(
      new RequestValidationError('x', [{ field: 'a'.repeat(5000), message: 'm' }]),
      'GET /x',
      'c3',
    );
    expect(long.errors![0]!.field.length).toBeLessThanOrEqual(300);
  });
});
