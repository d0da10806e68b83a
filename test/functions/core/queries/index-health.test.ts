import {
  findDuplicateIndexes,
  findUnusedIndexes,
  type IndexInfo,
} from '../../../../functions/core/queries/index-health';

const index = (name: string, columns: string[], overrides: Partial<IndexInfo> = {}): IndexInfo => ({
  schema: 'public',
  table: 't',
  name,
  columns,
  unique: false,
  primary: false,
  method: 'btree',
  predicate: null,
  valid: true,
  sizeBytes: 2 * 1024 * 1024,
  scans: 0,
  definition: `CREATE INDEX ${name} ON public.t (${columns.join(', ')})`,
  ...overrides,
});

describe('findUnusedIndexes', () => {
  it('reports unscanned indexes above the size, never unique or primary ones, largest first', () => {
    const found = findUnusedIndexes(
      [
        index('big', ['a'], { sizeBytes: 9e6 }),
        index('small', ['b'], { sizeBytes: 100 }),
        index('used', ['c'], { scans: 3 }),
        index('uniq', ['d'], { unique: true }),
        index('pk', ['id'], { primary: true, unique: true }),
        index('mid', ['e']),
      ],
      1024 * 1024,
    );
    expect(found.map((i) => i.name)).toEqual(['big', 'mid']);
    expect(found[0]?.sql).toBe('DROP INDEX CONCURRENTLY public.big;');
  });
});

describe('findDuplicateIndexes', () => {
  it('reports an index whose columns are a prefix of another on the same table', () => {
    const found = findDuplicateIndexes([
      index('a_idx', ['a']),
      index('ab_idx', ['a', 'b']),
      index('b_idx', ['b']),
    ]);
    expect(found).toEqual([
      expect.objectContaining({ name: 'a_idx', coveredBy: 'ab_idx', coveredByColumns: ['a', 'b'] }),
    ]);
  });

  it('reports exactly one of two identical indexes, keeping the unique one', () => {
    expect(findDuplicateIndexes([index('x1', ['a']), index('x2', ['a'])]).map((d) => d.name)).toEqual(['x1']);
    expect(
      findDuplicateIndexes([index('plain', ['a']), index('uq', ['a'], { unique: true })]).map((d) => d.name),
    ).toEqual(['plain']);
  });

  it('keeps unique indexes a wider index cannot replace, and indexes with other predicates or methods', () => {
    expect(findDuplicateIndexes([index('uq', ['a'], { unique: true }), index('ab', ['a', 'b'])])).toEqual([]);
    expect(
      findDuplicateIndexes([index('p', ['a'], { predicate: 'a > 0' }), index('ab', ['a', 'b'])]),
    ).toEqual([]);
    expect(findDuplicateIndexes([index('h', ['a'], { method: 'hash' }), index('ab', ['a', 'b'])])).toEqual(
      [],
    );
    expect(findDuplicateIndexes([index('a', ['a']), index('ab', ['a', 'b'], { table: 'other' })])).toEqual(
      [],
    );
  });
});
