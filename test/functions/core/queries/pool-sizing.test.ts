import fc from 'fast-check';
import { advisePoolSizing } from '../../../../functions/core/queries/pool-sizing';

describe('advisePoolSizing', () => {
  it('leaves reserved and operator headroom out of the proxy budget and splits the rest over the fleet', () => {
    const advice = advisePoolSizing({
      maxConnections: 400,
      reservedConnections: 6,
      currentConnections: 50,
      fleetMaxSize: 10,
      lambdaConcurrency: 100,
    });
    expect(advice).toMatchObject({
      proxyMaxConnectionsPercent: 88,
      proxyMaxIdleConnectionsPercent: 44,
      proxyConnectionBudget: 352,
      perInstancePoolSize: 25,
      warnings: [],
    });
  });

  it('warns when Lambdas alone take the budget or connections run high', () => {
    const advice = advisePoolSizing({
      maxConnections: 100,
      reservedConnections: 3,
      currentConnections: 90,
      fleetMaxSize: 4,
      lambdaConcurrency: 200,
    });
    expect(advice.perInstancePoolSize).toBe(1);
    expect(advice.warnings.join('\n')).toMatch(/Lambdas' concurrency/);
    expect(advice.warnings.join('\n')).toMatch(/90 of 100 connections/);
  });

  it('never lets a full fleet plus busy Lambdas exceed the budget when the budget allows a pool of 1', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 20, max: 5000 }),
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 0, max: 500 }),
        (maxConnections, fleetMaxSize, lambdaConcurrency) => {
          const advice = advisePoolSizing({
            maxConnections,
            reservedConnections: 3,
            currentConnections: 0,
            fleetMaxSize,
            lambdaConcurrency,
          });
          expect(advice.proxyConnectionBudget).toBeLessThanOrEqual(maxConnections - 3);
          if (advice.warnings.length === 0) {
            expect(fleetMaxSize * advice.perInstancePoolSize + lambdaConcurrency).toBeLessThanOrEqual(
              advice.proxyConnectionBudget,
            );
          }
        },
      ),
    );
  });
});
