/**
 * The names a function's source may take from outside itself: what it refers
 * to, less its own parameters and local declarations, keywords and the
 * standard globals. An over-approximation; when it is empty the function
 * needs nothing of its module, and polycore skips looking for one.
 *
 * @module
 */
import { referenceIndices, type Token, tokenize } from "./_tokens.ts";

const keywords = new Set(
  ("arguments async await break case catch class const continue debugger default delete do " +
    "else export extends false finally for function if import in instanceof let new null of " +
    "return static super switch this throw true try typeof undefined var void while with yield " +
    "as from get set")
    .split(" "),
);
/** Lower-case globals taken as the runtime's own (capitalized globals always are). */
const lowercaseGlobals = new Set(
  ("console performance globalThis structuredClone queueMicrotask setTimeout clearTimeout " +
    "setInterval clearInterval parseInt parseFloat isNaN isFinite encodeURIComponent " +
    "decodeURIComponent encodeURI decodeURI atob btoa crypto fetch process")
    .split(" "),
);
const controlWords = new Set(["if", "for", "while", "switch", "with", "catch", "return", "await"]);
const declaring = new Set(["const", "let", "var", "function", "class", "catch"]);
/** Tokens before a parameter name in a parameter list. */
const beforeParameter = new Set(["(", ",", "{", "[", "...", ":"]);

function isStandardGlobal(name: string): boolean {
  if (lowercaseGlobals.has(name)) return true;
  return /^[A-Z]/.test(name) && name in globalThis;
}

/** The index of the `(` matching the `)` at `close`, or -1. */
function openingOf(tokens: readonly Token[], close: number): number {
  let depth = 0;
  for (let k = close; k >= 0; k--) {
    if (tokens[k].text === ")") depth++;
    else if (tokens[k].text === "(" && --depth === 0) return k;
  }
  return -1;
}

/**
 * Adds to `bound` the names of a pattern opening at `start`: a destructuring (`{ a, b: c, ...d }`,
 * `[e]`) or a parameter list (`(f, g = 1)`); keys and default values bind nothing.
 */
function bindPattern(tokens: readonly Token[], start: number, bound: Set<string>): void {
  let depth = 0;
  let defaultDepth = -1; // inside `= value`, up to the next `,` or closing at this depth
  for (let k = start; k < tokens.length; k++) {
    const t = tokens[k];
    if (t.text === "{" || t.text === "[" || t.text === "(") {
      depth++;
      continue;
    }
    if (t.text === "}" || t.text === "]" || t.text === ")") {
      if (depth === defaultDepth) defaultDepth = -1;
      if (--depth === 0) return;
      continue;
    }
    if (defaultDepth !== -1) {
      if (t.text === "," && depth === defaultDepth) defaultDepth = -1;
      continue;
    }
    if (t.text === "=") defaultDepth = depth;
    else if (t.kind === "id" && tokens[k + 1]?.text !== ":") bound.add(t.text); // not a key
  }
}

/**
 * The parameters of the function `source` defines (its outermost one): they shadow any module
 * binding of the same name for the whole body.
 */
export function parameterNames(source: string): Set<string> {
  const tokens = tokenize(source);
  const names = new Set<string>();
  let k = tokens[0]?.text === "async" ? 1 : 0;
  if (tokens[k]?.kind === "id" && tokens[k + 1]?.text === "=>") return names.add(tokens[k].text);
  k = tokens.findIndex((t) => t.text === "(");
  if (k >= 0) bindPattern(tokens, k, names);
  return names;
}

/** Names bound inside `tokens`: parameters of every function in it and its local declarations. */
function boundNames(tokens: readonly Token[]): Set<string> {
  const bound = new Set<string>();
  const parameters = (open: number, close: number) => {
    for (let k = open + 1; k < close; k++) {
      const t = tokens[k];
      if (t.kind === "id" && beforeParameter.has(tokens[k - 1].text)) bound.add(t.text);
    }
  };
  const pattern = (start: number) => bindPattern(tokens, start, bound);
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k];
    if (t.kind === "id" && declaring.has(t.text)) {
      const next = tokens[k + 1];
      if (next?.kind === "id") bound.add(next.text);
      else if (next && (next.text === "{" || next.text === "[")) pattern(k + 1);
      else if (next?.text === "(") {
        const close = tokens.findIndex((x, j) => j > k && x.text === ")");
        if (close > k) parameters(k + 1, close);
      }
    } else if (t.text === "=>") {
      const before = tokens[k - 1];
      if (before?.kind === "id") bound.add(before.text);
      else if (before?.text === ")") parameters(openingOf(tokens, k - 1), k - 1);
    } else if (t.text === "{" && tokens[k - 1]?.text === ")") {
      // `function name(…) {` or a method `name(…) {`, not `if (…) {` and the like
      const open = openingOf(tokens, k - 1);
      const head = tokens[open - 1];
      if (head?.kind === "id" && !controlWords.has(head.text)) parameters(open, k - 1);
    }
  }
  return bound;
}

/** The names `source` may need from the scope it was written in. */
export function freeNames(source: string): Set<string> {
  const tokens = tokenize(source);
  const bound = boundNames(tokens);
  const free = new Set<string>();
  for (const i of referenceIndices(tokens)) {
    const before = tokens[i - 1]?.text;
    if (tokens[i + 1]?.text === ":" && (before === "{" || before === ",")) continue; // a key
    const name = tokens[i].text;
    if (!bound.has(name) && !keywords.has(name) && !isStandardGlobal(name)) free.add(name);
  }
  return free;
}
