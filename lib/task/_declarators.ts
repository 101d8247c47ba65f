/**
 * The declarators of a top-level `const`/`let`/`var` statement: for each, the
 * names its pattern binds, the pattern's text and the initializer's text — so
 * a module context can declare the names at once and run the initializer
 * only when a task needs it.
 *
 * @module
 */
import type { Token } from "./_tokens.ts";

/** One `pattern = initializer` of a variable statement. */
export interface Declarator {
  /** The names the pattern binds. */
  readonly names: readonly string[];
  /** The pattern's text: a name, or an object or array pattern. */
  readonly pattern: string;
  /** The initializer's text; absent for `let x;`. */
  readonly initializer?: string;
}

const opening = new Set(["(", "[", "{"]);
const closing = new Set([")", "]", "}"]);

/** Whether `<` at `k` opens type arguments (`Map<string, number>`): glued to a name. */
function opensTypeArguments(tokens: readonly Token[], k: number): boolean {
  const before = tokens[k - 1];
  return tokens[k].text === "<" && before !== undefined && before.end === tokens[k].start &&
    (before.kind === "id" || before.text === ")");
}

/** The index of the next `,` (or `=` when `stopAtEquals`) outside brackets, or the end. */
function nextAtTopLevel(tokens: readonly Token[], from: number, stopAtEquals: boolean): number {
  let depth = 0;
  let angles = 0;
  for (let k = from; k < tokens.length; k++) {
    const t = tokens[k];
    if (t.kind !== "punct") continue;
    if (opening.has(t.text)) depth++;
    else if (closing.has(t.text)) depth--;
    else if (opensTypeArguments(tokens, k)) angles++;
    else if (t.text === ">" && angles > 0) angles--;
    else if (depth === 0 && angles === 0 && (t.text === "," || (stopAtEquals && t.text === "="))) {
      return k;
    }
  }
  return tokens.length;
}

function patternNames(tokens: readonly Token[]): string[] {
  if (tokens.length === 1) return tokens[0].kind === "id" ? [tokens[0].text] : [];
  const names: string[] = [];
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k];
    const after = tokens[k + 1]?.text;
    if (t.kind === "id" && after !== ":" && after !== "(") names.push(t.text);
    if (after === "=") k = nextAtTopLevel(tokens, k + 2, false) - 1; // skip a default value
  }
  return names;
}

/** Parses the declarators of `tokens` (a statement without its keyword, `;` allowed at the end). */
export function parseDeclarators(source: string, tokens: readonly Token[]): Declarator[] {
  const body = tokens.at(-1)?.text === ";" ? tokens.slice(0, -1) : tokens;
  const text = (from: number, to: number) => source.slice(body[from].start, body[to - 1].end);
  const declarators: Declarator[] = [];
  let k = 0;
  while (k < body.length) {
    const patternEnd = opening.has(body[k].text) ? closingOf(body, k) + 1 : k + 1;
    const names = patternNames(body.slice(k, patternEnd));
    const pattern = text(k, patternEnd);
    const equals = nextAtTopLevel(body, patternEnd, true);
    const end = nextAtTopLevel(body, patternEnd, false);
    const initializer = equals < end && body[equals].text === "="
      ? text(equals + 1, end)
      : undefined;
    declarators.push(
      initializer === undefined ? { names, pattern } : { names, pattern, initializer },
    );
    k = end + 1;
  }
  return declarators;
}

function closingOf(tokens: readonly Token[], open: number): number {
  let depth = 0;
  for (let k = open; k < tokens.length; k++) {
    if (opening.has(tokens[k].text)) depth++;
    else if (closing.has(tokens[k].text) && --depth === 0) return k;
  }
  return tokens.length - 1;
}
