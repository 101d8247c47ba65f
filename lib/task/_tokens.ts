/**
 * A small JavaScript/TypeScript tokenizer: just enough to find a module's
 * top-level imports and declarations, and the identifiers a piece of code
 * refers to. Strings, comments, template literals (with their `${}` parts)
 * and regular expressions are skipped as units, so their contents never look
 * like code.
 *
 * @module
 */

/** What a token is. */
export type TokenKind = "id" | "punct" | "string" | "template" | "regex" | "number" | "private";

/** One token, with where it sits in the source. */
export interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  readonly start: number;
  readonly end: number;
  /** Whether a line break separates it from the token before. */
  readonly newlineBefore: boolean;
}

const identifierStart = /[A-Za-z_$\u0080-\uffff]/;
const identifierPart = /[\w$\u0080-\uffff]/;
const regexAfterWords = new Set([
  "return",
  "typeof",
  "instanceof",
  "in",
  "of",
  "new",
  "delete",
  "void",
  "throw",
  "case",
  "do",
  "else",
  "yield",
  "await",
]);
const punctuators = ["...", "?.", "=>", "===", "!==", "==", "!="];

function regexAllowed(previous: Token | undefined): boolean {
  if (!previous) return true;
  if (previous.kind === "id") return regexAfterWords.has(previous.text);
  if (previous.kind === "punct") return !/^[)\]]$/.test(previous.text);
  return false;
}

/** Splits `source` into tokens; whitespace and comments are dropped. */
export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  /** For each open template `${`, the brace depth at which it opened. */
  const templates: number[] = [];
  let braces = 0;
  let i = 0;
  let newline = false;
  const push = (kind: TokenKind, start: number, end: number) => {
    tokens.push({ kind, text: source.slice(start, end), start, end, newlineBefore: newline });
    newline = false;
  };
  /** Scans template text from `i` (after a backtick or a closing `}`) to its end or next `${`. */
  const templateChunk = (start: number) => {
    while (i < source.length) {
      const c = source[i];
      if (c === "\\") i += 2;
      else if (c === "`") {
        i++;
        push("template", start, i);
        return;
      } else if (c === "$" && source[i + 1] === "{") {
        i += 2;
        push("template", start, i);
        templates.push(braces++);
        return;
      } else i++;
    }
    push("template", start, i);
  };
  while (i < source.length) {
    const c = source[i];
    const start = i;
    if (c === "\n") {
      newline = true;
      i++;
    } else if (c === " " || c === "\t" || c === "\r" || c === "\uFEFF") {
      i++;
    } else if (c === "/" && source[i + 1] === "/") {
      while (i < source.length && source[i] !== "\n") i++;
    } else if (c === "/" && source[i + 1] === "*") {
      const close = source.indexOf("*/", i + 2);
      const end = close < 0 ? source.length : close + 2;
      if (source.slice(i, end).includes("\n")) newline = true;
      i = end;
    } else if (c === "'" || c === '"') {
      i++;
      while (i < source.length && source[i] !== c && source[i] !== "\n") {
        i += source[i] === "\\" ? 2 : 1;
      }
      i++;
      push("string", start, i);
    } else if (c === "`") {
      i++;
      templateChunk(start);
    } else if (c === "}" && templates.length > 0 && templates.at(-1) === braces - 1) {
      templates.pop();
      braces--;
      i++;
      templateChunk(start);
    } else if (c === "#" && i === 0 && source[1] === "!") {
      while (i < source.length && source[i] !== "\n") i++;
    } else if (identifierStart.test(c) || (c === "#" && identifierStart.test(source[i + 1]))) {
      i++;
      while (i < source.length && identifierPart.test(source[i])) i++;
      push(c === "#" ? "private" : "id", start, i);
    } else if (/[0-9]/.test(c) || (c === "." && /[0-9]/.test(source[i + 1] ?? ""))) {
      i++;
      while (i < source.length && /[\w.]/.test(source[i])) i++;
      push("number", start, i);
    } else if (c === "/" && regexAllowed(tokens.at(-1))) {
      i++;
      let inClass = false;
      while (i < source.length && source[i] !== "\n") {
        const r = source[i];
        if (r === "\\") i++;
        else if (r === "[") inClass = true;
        else if (r === "]") inClass = false;
        else if (r === "/" && !inClass) break;
        i++;
      }
      i++;
      while (i < source.length && identifierPart.test(source[i])) i++;
      push("regex", start, i);
    } else {
      const long = punctuators.find((p) => source.startsWith(p, i));
      i += long ? long.length : 1;
      if (c === "{") braces++;
      else if (c === "}") braces--;
      push("punct", start, i);
    }
  }
  return tokens;
}

/** The indices of the identifiers in `tokens` that are not property names (after `.` or `?.`). */
export function* referenceIndices(tokens: readonly Token[]): Generator<number> {
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i].kind !== "id") continue;
    const before = tokens[i - 1];
    if (before?.kind === "punct" && (before.text === "." || before.text === "?.")) continue;
    yield i;
  }
}

/**
 * The names `tokens` may refer to: identifiers that are not property names.
 * An over-approximation (locals and object keys count too), which is safe for
 * finding what a function might need.
 */
export function referencedNames(tokens: readonly Token[]): Set<string> {
  const names = new Set<string>();
  for (const i of referenceIndices(tokens)) names.add(tokens[i].text);
  return names;
}
