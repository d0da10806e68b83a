import { boundsLimit } from '../../../../../functions/core/scaling/limits/bounds';
import { contextOf } from './context';

describe('bounds limit', () => {
  const context = contextOf({ current: 5, bounds: { min: 2, max: 8 } });

  it('clamps a target above the maximum or below the minimum, naming the range', () => {
    expect(boundsLimit.apply(12, context)).toEqual({ to: 8, detail: 'capacity must stay within [2, 8]' });
    expect(boundsLimit.apply(0, context)).toEqual({ to: 2, detail: 'capacity must stay within [2, 8]' });
  });

  it('leaves a target inside the bounds alone, edges included', () => {
    expect(boundsLimit.apply(2, context)).toBeUndefined();
    expect(boundsLimit.apply(8, context)).toBeUndefined();
  });
});
