/**
 * Finds a module's top level: its import declarations (which names they bind,
 * from where) and its declarations (functions, classes, `const`/`let`/`var`,
 * types), each with its source text. Everything else at the top level is a
 * statement, which a task's module context never runs.
 *
 * @module
 */
import { type Declarator, parseDeclarators } from "./_declarators.ts";
import { type Token, tokenize } from "./_tokens.ts";

/** One name an import declaration binds. */
export interface ImportBinding {
  /** The local name. */
  readonly local: string;
  /** The exported name: `"default"`, `"*"` for a namespace import, or a name. */
  readonly imported: string;
}

/** An import declaration with a module to load (`import type` ones are left out). */
export interface ImportDeclaration {
  readonly specifier: string;
  /** What follows the specifier, such as `with { type: "json" }`; usually empty. */
  readonly attributes: string;
  readonly bindings: readonly ImportBinding[];
}

/**
 * How a declaration is set up in a module context: `variable` and `class`
 * ones by assignment when a task needs them, `hoisted` ones (functions, types,
 * enums) as written.
 */
export type DeclarationKind = "variable" | "class" | "hoisted";

/** A top-level declaration and the names it binds. */
export interface Declaration {
  readonly kind: DeclarationKind;
  readonly names: readonly string[];
  /** A variable statement's declarators. */
  readonly declarators?: readonly Declarator[];
  /** The declaration's text, without a leading `export` or `export default`. */
  readonly text: string;
  /** The tokens of `text`. */
  readonly tokens: readonly Token[];
}

/** A module's top level. */
export interface ModuleScan {
  readonly imports: readonly ImportDeclaration[];
  readonly declarations: readonly Declaration[];
}

const blockDeclarations = new Set([
  "function",
  "class",
  "interface",
  "enum",
  "namespace",
  "module",
]);
const declarationStarts = new Set([
  ...blockDeclarations,
  "const",
  "let",
  "var",
  "async",
  "type",
  "abstract",
  "declare",
]);
/** Tokens after which a line break does not end a statement. */
const continuesAfter = /^(?:[=,.([{+\-*/%&|^!~?:<]|=>|\?\.|\.\.\.|[=!]==?|<=)$/;
/** Tokens that continue the statement on the line before. */
const continuesBefore = /^(?:[,.([+\-*/%&|^?:<>=)\]}]|=>|\?\.|[=!]==?)$/;
/** Tokens after a `}` of a function's or class's head (an object type) that continue it. */
const continuesType = new Set(["{", ">", "|", "&", ",", "=>", "extends", "implements"]);
const words = new Set(["new", "typeof", "void", "delete", "await", "in", "instanceof", "of"]);

/** Splits the token list into top-level statements, as [first, end) index ranges. */
function statements(tokens: readonly Token[]): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  let first = 0;
  let depth = 0;
  const block = () => {
    let k = first;
    if (tokens[k]?.text === "export") k++;
    if (tokens[k]?.text === "default" || tokens[k]?.text === "declare") k++;
    if (tokens[k]?.text === "async" || tokens[k]?.text === "abstract") k++;
    return blockDeclarations.has(tokens[k]?.text ?? "");
  };
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (token.kind === "punct") {
      if (token.text === "(" || token.text === "[" || token.text === "{") depth++;
      else if (token.text === ")" || token.text === "]" || token.text === "}") depth--;
    }
    if (depth > 0) continue;
    const next = tokens[i + 1];
    const ends = token.text === ";" && token.kind === "punct" ||
      next === undefined ||
      (token.text === "}" && token.kind === "punct" && block() && !continuesType.has(next.text)) ||
      (next.newlineBefore && !endsIncomplete(token) && !startsContinuation(next));
    if (ends) {
      ranges.push([first, i + 1]);
      first = i + 1;
    }
  }
  return ranges;
}

function endsIncomplete(token: Token): boolean {
  if (token.kind === "punct") return continuesAfter.test(token.text);
  return token.kind === "id" && words.has(token.text);
}

function startsContinuation(token: Token): boolean {
  if (token.kind === "template") return true;
  if (token.kind === "punct") return continuesBefore.test(token.text);
  return token.kind === "id" && (token.text === "in" || token.text === "instanceof");
}

function parseImport(source: string, tokens: readonly Token[]): ImportDeclaration | undefined {
  let k = 1;
  if (tokens[k]?.text === "type" && tokens[k + 1]?.kind === "id" && tokens[k + 1].text !== "from") {
    return undefined;
  }
  if (tokens[k]?.text === "type" && tokens[k + 1]?.text === "{") return undefined;
  const bindings: ImportBinding[] = [];
  if (tokens[k]?.kind === "string") return undefined; // side-effect only: nothing to bind
  if (tokens[k]?.kind === "id" && tokens[k].text !== "from") {
    bindings.push({ local: tokens[k].text, imported: "default" });
    k++;
    if (tokens[k]?.text === ",") k++;
  }
  if (tokens[k]?.text === "*" && tokens[k + 1]?.text === "as") {
    bindings.push({ local: tokens[k + 2].text, imported: "*" });
    k += 3;
  } else if (tokens[k]?.text === "{") {
    k++;
    while (k < tokens.length && tokens[k].text !== "}") {
      const group: string[] = [];
      while (k < tokens.length && tokens[k].text !== "," && tokens[k].text !== "}") {
        group.push(tokens[k].kind === "string" ? JSON.parse(tokens[k].text) : tokens[k].text);
        k++;
      }
      if (tokens[k]?.text === ",") k++;
      if (group[0] === "type" && group.length > 1 && group[1] !== "as") continue;
      if (group.length === 1) bindings.push({ local: group[0], imported: group[0] });
      else if (group.length === 3 && group[1] === "as") {
        bindings.push({ local: group[2], imported: group[0] });
      }
    }
    k++;
  }
  if (tokens[k]?.text !== "from" || tokens[k + 1]?.kind !== "string") return undefined;
  const specifier = JSON.parse(tokens[k + 1].text.replace(/^'|'$/g, '"')) as string;
  const rest = tokens.slice(k + 2).filter((t) => t.text !== ";");
  const attributes = rest.length > 0 ? source.slice(rest[0].start, rest.at(-1)!.end) : "";
  return bindings.length > 0 ? { specifier, attributes, bindings } : undefined;
}

function parseDeclaration(
  source: string,
  tokens: readonly Token[],
): Declaration | undefined {
  let k = 0;
  if (tokens[k].text === "export") k++;
  if (tokens[k]?.text === "default") k++;
  const bodyStart = k;
  if (tokens[k]?.text === "declare") return undefined;
  if (tokens[k]?.text === "async" || tokens[k]?.text === "abstract") k++;
  const keyword = tokens[k]?.text;
  if (!keyword || !declarationStarts.has(keyword)) return undefined;
  const start = tokens[bodyStart].start;
  const text = source.slice(start, tokens.at(-1)!.end);
  const own = tokens.slice(bodyStart);
  if (keyword === "const" || keyword === "let" || keyword === "var") {
    const declarators = parseDeclarators(source, tokens.slice(k + 1));
    const names = declarators.flatMap((d) => d.names);
    return { kind: "variable", names, declarators, text, tokens: own };
  }
  if (keyword === "function" && tokens[k + 1]?.text === "*") k++;
  const name = tokens[k + 1];
  if (name?.kind !== "id") return undefined;
  if (keyword === "type" && tokens[k + 2]?.text !== "=" && tokens[k + 2]?.text !== "<") {
    return undefined;
  }
  const names = [name.text];
  const kind = keyword === "class" && tokens[bodyStart].text !== "abstract" ? "class" : "hoisted";
  return { kind, names, text, tokens: own };
}

/** Scans a module's source for its top-level imports and declarations. */
export function scanModule(source: string): ModuleScan {
  const tokens = tokenize(source);
  const imports: ImportDeclaration[] = [];
  const declarations: Declaration[] = [];
  for (const [first, end] of statements(tokens)) {
    const statement = tokens.slice(first, end);
    const head = statement[0];
    if (head.kind !== "id") continue;
    if (head.text === "import" && statement[1]?.text !== "(" && statement[1]?.text !== ".") {
      const declaration = parseImport(source, statement);
      if (declaration) imports.push(declaration);
    } else if (head.text === "export" || declarationStarts.has(head.text)) {
      const declaration = parseDeclaration(source, statement);
      if (declaration) declarations.push(declaration);
    }
  }
  return { imports, declarations };
}
