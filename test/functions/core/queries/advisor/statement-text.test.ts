import {
  applyEdits,
  nodesOfType,
  parameterEnd,
  utf8,
} from '../../../../../functions/core/queries/advisor/statement-text';

describe('statement text edits', () => {
  it('replaces byte ranges, in any order, past multi-byte characters', () => {
    const text = 'é $1 ü $22';
    const bytes = utf8(text);
    const second = bytes.indexOf(0x24, 5);
    expect(parameterEnd(bytes, 3)).toBe(5);
    expect(parameterEnd(bytes, second)).toBe(bytes.length);
    expect(
      applyEdits(text, [
        { start: second, end: bytes.length, replacement: "'b'" },
        { start: 3, end: 5, replacement: "'a'" },
      ]),
    ).toBe("é 'a' ü 'b'");
  });

  it('refuses overlapping edits and edits past the end', () => {
    expect(() =>
      applyEdits('abcdef', [
        { start: 0, end: 3, replacement: 'x' },
        { start: 2, end: 4, replacement: 'y' },
      ]),
    ).toThrow(RangeError);
    expect(() => applyEdits('abc', [{ start: 1, end: 9, replacement: 'x' }])).toThrow(RangeError);
  });

  it('finds nodes of a type at any depth, in document order', () => {
    const tree = { a: [{ ParamRef: { number: 1 } }, { b: { ParamRef: { number: 2 } } }] };
    expect(nodesOfType(tree, 'ParamRef')).toEqual([{ number: 1 }, { number: 2 }]);
  });
});
