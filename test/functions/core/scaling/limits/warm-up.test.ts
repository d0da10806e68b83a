import { warmUpLimit } from '../../../../../functions/core/scaling/limits/warm-up';
import { contextOf } from './context';

describe('warm-up limit', () => {
  it('holds a scale-in while instances are launching, counting them', () => {
    expect(warmUpLimit.apply(3, contextOf({ current: 6, pending: 2 }))).toEqual({
      to: 6,
      detail: '2 instance(s) still launching; scale-in waits until they are in service',
    });
  });

  it('never holds a scale-out, nor a scale-in once every instance is in service', () => {
    expect(warmUpLimit.apply(9, contextOf({ current: 6, pending: 2 }))).toBeUndefined();
    expect(warmUpLimit.apply(3, contextOf({ current: 6 }))).toBeUndefined();
  });
});
