import { massChangeVerdict } from '../../src/common/mass-change-breaker';

describe('the mass-change circuit breaker', () => {
  it('lets a handful through and stops past the number or the share, naming both', () => {
    expect(massChangeVerdict(3, 50)).toEqual({ proceed: true, changes: 3, total: 50 });
    expect(massChangeVerdict(11, 10_000)).toMatchObject({ proceed: false, reason: '11 changes exceed the limit of 10' });
    expect(massChangeVerdict(6, 20)).toMatchObject({ proceed: false, reason: '6 of 20 records (30%) exceed the share of 20%' });
    expect(massChangeVerdict(1, 2)).toMatchObject({ proceed: true });
    expect(massChangeVerdict(40, 50, { maxChanges: 100, maxShare: 1 })).toMatchObject({ proceed: true });
  });
});
