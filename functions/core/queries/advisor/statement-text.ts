import type { ParseNode, ParseTree } from '../sql-parser-port';

/**
 * Helpers to rewrite a statement's text at the places its parse tree points to. libpg_query
 * locations, like the server's, are byte offsets into the UTF-8 text, so every edit happens on
 * bytes: a multi-byte character before a parameter must not shift the cut.
 */

/** A `$n` parameter reference and where it starts (a byte offset). */
export interface ParameterRef {
  readonly number: number;
  readonly location: number;
}

/** A replacement of the bytes [start, end) of a statement. */
export interface TextEdit {
  readonly start: number;
  readonly end: number;
  readonly replacement: string;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Every node of `type` in a tree (or subtree), depth first, in document order. */
export function nodesOfType(root: unknown, type: string): ParseNode[] {
  const found: ParseNode[] = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (const item of value) visit(item);
      return;
    }
    if (typeof value !== 'object' || value === null) return;
    for (const [key, child] of Object.entries(value)) {
      if (key === type && typeof child === 'object' && child !== null) found.push(child as ParseNode);
      visit(child);
    }
  };
  visit(root);
  return found;
}

/** The parameter a node is, when it is a bare `$n`. */
export function parameterOf(value: unknown): ParameterRef | undefined {
  const ref = (value as { ParamRef?: { number?: unknown; location?: unknown } } | undefined)?.ParamRef;
  if (typeof ref?.number !== 'number' || typeof ref.location !== 'number') return undefined;
  return { number: ref.number, location: ref.location };
}

/** Every `$n` in the statements, in document order. */
export function parameterRefs(tree: ParseTree): ParameterRef[] {
  return nodesOfType(tree.stmts, 'ParamRef')
    .map((ref) => parameterOf({ ParamRef: ref }))
    .filter((ref): ref is ParameterRef => ref !== undefined)
    .sort((a, b) => a.location - b.location);
}

/** The byte offset just after the `$n` that starts at `location`. */
export function parameterEnd(bytes: Uint8Array, location: number): number {
  let end = location + 1;
  while (end < bytes.length && bytes[end]! >= 48 && bytes[end]! <= 57) end += 1;
  return end;
}

/** The statement as UTF-8 bytes, for {@link parameterEnd} and {@link sliceBytes}. */
export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

/** The text of bytes [start, end). */
export function sliceBytes(bytes: Uint8Array, start: number, end: number): string {
  return decoder.decode(bytes.subarray(start, end));
}

/**
 * Applies edits to the text. Edits may come in any order but must not overlap.
 * @throws {RangeError} when two edits overlap or one falls outside the text.
 */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const bytes = utf8(text);
  const sorted = [...edits].sort((a, b) => a.start - b.start);
  let out = '';
  let from = 0;
  for (const edit of sorted) {
    if (edit.start < from || edit.end < edit.start || edit.end > bytes.length) {
      throw new RangeError(`edit [${edit.start}, ${edit.end}) overlaps another or leaves the text`);
    }
    out += sliceBytes(bytes, from, edit.start) + edit.replacement;
    from = edit.end;
  }
  return out + sliceBytes(bytes, from, bytes.length);
}
