/**
 * A function task's module context: the imports and top-level declarations
 * of the module it was written in that it uses (transitively), as a small
 * module of their own that a worker imports once, then compiles the task's
 * source inside with a direct `eval` — so the function sees the same names
 * it sees at home. The module's other top-level statements never run.
 *
 * The context module is written beside the original (a hidden file, removed
 * when the program ends), so every import specifier in it — relative, bare,
 * import-map — resolves exactly as it does in the original module.
 *
 * @module
 */
import { runtime } from "../../runtimes/mod.ts";
import { contextEvalName, contextInitName, type TaskContext } from "./_protocol.ts";
import {
  type Declaration,
  type ImportDeclaration,
  type ModuleScan,
  scanModule,
} from "./_module_scan.ts";
import { referencedNames, tokenize } from "./_tokens.ts";
import { parameterNames } from "./_free_names.ts";

/** What a task needs of its module: a context, none, or why none could be made. */
export type ContextResult =
  | { readonly context: TaskContext }
  | { readonly context?: undefined; readonly problem?: string };

type Binding =
  | { readonly kind: "import"; readonly declaration: ImportDeclaration }
  | { readonly kind: "declaration"; readonly declaration: Declaration };

interface ScannedModule {
  readonly scan: ModuleScan;
  readonly bindings: ReadonlyMap<string, Binding>;
}

const extensions: Record<string, string> = {
  ".ts": ".mts",
  ".mts": ".mts",
  ".js": ".mjs",
  ".mjs": ".mjs",
};
const scanned = new Map<string, ScannedModule | string>();
/** The context file written for each module (by the module's URL), removed at exit. */
const written = new Map<string, string>();
let cleanupRegistered = false;

function extensionOf(url: URL): string | undefined {
  const match = /\.[^./]+$/.exec(url.pathname);
  return match ? extensions[match[0]] : undefined;
}

/** Reads and scans a module once; a string is why it could not be. */
function scannedModule(url: URL): ScannedModule | string {
  const known = scanned.get(url.href);
  if (known !== undefined) return known;
  let result: ScannedModule | string;
  try {
    const scan = scanModule(runtime.readTextFile(url));
    const bindings = new Map<string, Binding>();
    for (const declaration of scan.imports) {
      for (const { local } of declaration.bindings) {
        bindings.set(local, { kind: "import", declaration });
      }
    }
    for (const declaration of scan.declarations) {
      for (const name of declaration.names) {
        bindings.set(name, { kind: "declaration", declaration });
      }
    }
    result = { scan, bindings };
  } catch (error) {
    result = `cannot read ${url.href}: ${error instanceof Error ? error.message : String(error)}`;
  }
  scanned.set(url.href, result);
  return result;
}

/** The bindings `names` need, closed over what their declarations refer to. */
function neededBindings(module: ScannedModule, names: Iterable<string>): Set<Binding> {
  const needed = new Set<Binding>();
  const queue = [...names];
  while (queue.length > 0) {
    const binding = module.bindings.get(queue.pop()!);
    if (!binding || needed.has(binding)) continue;
    needed.add(binding);
    if (binding.kind === "declaration") queue.push(...referencedNames(binding.declaration.tokens));
  }
  return needed;
}

/** An import's initializer: loads the module on first need and assigns its bindings. */
function importInitializer(declaration: ImportDeclaration): string {
  const { specifier, attributes, bindings } = declaration;
  const options = attributes
    ? `, ${attributes.replace(/^(with|assert)\s*/, (_, keyword) => `{ ${keyword}: `)} }`
    : "";
  const here = `import(${JSON.stringify(specifier)}${options})`;
  const fallback = parentResolution(specifier);
  // Beside the module, a specifier resolves as it does there; where a worker lacks the
  // program's resolution (Deno's --import-map is not passed to workers), the program's own
  // resolution of a bare name is the second try.
  const load = fallback
    ? `await ${here}.catch((e) => import(${
      JSON.stringify(fallback)
    }${options}).catch(() => { throw e; }))`
    : `await ${here}`;
  const assignments = bindings.map(({ local, imported }) =>
    imported === "*" ? `${local} = m;` : `${local} = m[${JSON.stringify(imported)}];`
  );
  return `async () => { const m = ${load}; ${assignments.join(" ")} }`;
}

/** How this program resolves a bare specifier (an import map's name, a package), if it can. */
function parentResolution(specifier: string): string | undefined {
  if (/^(?:\.{0,2}\/|[a-z][a-z0-9+.-]*:)/i.test(specifier)) return undefined; // relative or a URL
  try {
    return import.meta.resolve(specifier);
  } catch {
    return undefined;
  }
}

/** A variable statement's or a class's initializer: assigns what the declaration would. */
function declarationInitializer(declaration: Declaration): string {
  if (declaration.kind === "class") {
    return `async () => { ${declaration.names[0]} = ${declaration.text}; }`;
  }
  const assignments = (declaration.declarators ?? [])
    .filter((d) => d.initializer !== undefined)
    .map((d) =>
      /^[\w$]+$/.test(d.pattern)
        ? `${d.pattern} = (${d.initializer});`
        : `(${d.pattern} = (${d.initializer}));`
    );
  return `async () => { ${assignments.join(" ")} }`;
}

/**
 * The context module's code, the same for every task of the module: each
 * import and each variable or class becomes a `let` with an initializer that
 * runs only when a task needs it; functions and types stay as written.
 */
function contextCode(module: ScannedModule): string {
  const { imports, declarations } = module.scan;
  const names = [
    ...imports.flatMap((d) => d.bindings.map((b) => b.local)),
    ...declarations.filter((d) => d.kind !== "hoisted").flatMap((d) => d.names),
  ];
  const initializers = [
    ...imports.map(importInitializer),
    ...declarations.filter((d) => d.kind !== "hoisted").map(declarationInitializer),
  ];
  return [
    "// polycore: a task's module context, generated; removed when the program ends.",
    names.length > 0 ? `let ${[...new Set(names)].join(", ")};` : "",
    ...declarations.filter((d) => d.kind === "hoisted").map((d) => d.text),
    `export const ${contextInitName} = [\n${initializers.join(",\n")}\n];`,
    `export const ${contextEvalName} = (__polycoreSource) => eval(__polycoreSource);\n`,
  ].join("\n");
}

/** The indices of the initializers `needed` calls for, in the order they must run. */
function initializerIndices(module: ScannedModule, needed: Set<Binding>): number[] {
  const { imports, declarations } = module.scan;
  const order = [
    ...imports,
    ...declarations.filter((d) => d.kind !== "hoisted"),
  ] as Array<ImportDeclaration | Declaration>;
  const chosen = new Set<ImportDeclaration | Declaration>([...needed].map((b) => b.declaration));
  return order.flatMap((declaration, index) => chosen.has(declaration) ? [index] : []);
}

/** FNV-1a, as hex: names a context file by its content. */
function hash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, "0");
}

function removeWritten(): void {
  for (const href of written.values()) {
    try {
      runtime.removeFile(new URL(href));
    } catch {
      // Best effort at exit: a file that cannot be removed is left, named by its content.
    }
  }
  written.clear();
}

/**
 * Removes the contexts of `base` that programs no longer running left beside it (a program
 * killed by a signal has no chance to remove its own).
 */
function removeStale(moduleUrl: URL, base: string): void {
  const stale = new RegExp(`^\\.${base.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\.polycore-(\\d+)-`);
  try {
    for (const name of runtime.listFolder(new URL(".", moduleUrl))) {
      const pid = Number(stale.exec(name)?.[1]);
      if (pid && pid !== runtime.pid && !runtime.processExists(pid)) {
        runtime.removeFile(new URL(name, moduleUrl));
      }
    }
  } catch {
    // Tidying is best effort: a folder we cannot list or a file we cannot remove stays.
  }
}

/** Writes the module's context beside it (once per program) and returns its URL. */
function writeContext(moduleUrl: URL, extension: string, module: ScannedModule): string {
  const known = written.get(moduleUrl.href);
  if (known !== undefined) return known;
  const code = contextCode(module);
  const base = moduleUrl.pathname.slice(moduleUrl.pathname.lastIndexOf("/") + 1);
  const file = new URL(`.${base}.polycore-${runtime.pid}-${hash(code)}${extension}`, moduleUrl);
  removeStale(moduleUrl, base);
  runtime.writeTextFile(file, code);
  written.set(moduleUrl.href, file.href);
  if (!cleanupRegistered) {
    cleanupRegistered = true;
    runtime.atExit(removeWritten);
  }
  return file.href;
}

/** A file module polycore can scan and write a context beside, or why not. */
function usableModule(
  href: string,
): { url: URL; extension: string; module: ScannedModule } | string | undefined {
  const url = new URL(href);
  const extension = extensionOf(url);
  if (url.protocol !== "file:" || !extension) return undefined;
  const module = scannedModule(url);
  return typeof module === "string" ? module : { url, extension, module };
}

/**
 * The context a function task needs: from the first of `homes` (the caller's modules, nearest
 * first) that binds the function's own name, else from the one that binds most of the names it
 * uses; none when it uses no module names (it is then shipped as plain source).
 */
export function taskContext(homes: readonly string[], source: string, name: string): ContextResult {
  // The function's own parameters shadow module bindings of the same name: they need none.
  const parameters = parameterNames(source);
  const names = [...referencedNames(tokenize(source))].filter((n) => !parameters.has(n));
  let best: { url: URL; extension: string; module: ScannedModule; score: number } | undefined;
  let problem: string | undefined;
  for (const href of homes) {
    const usable = usableModule(href);
    if (usable === undefined) continue;
    if (typeof usable === "string") {
      problem ??= usable;
      continue;
    }
    const bindsName = name !== "" && usable.module.bindings.has(name);
    let score = bindsName ? Infinity : 0;
    if (!bindsName) { for (const n of names) if (usable.module.bindings.has(n)) score++; }
    if (best === undefined || score > best.score) best = { ...usable, score };
    if (bindsName) break;
  }
  if (best === undefined) return problem ? { problem } : {};
  const binding = name !== "" && best.module.bindings.has(name) ? name : undefined;
  const wanted = new Set(names);
  if (binding) wanted.add(binding);
  const needed = neededBindings(best.module, wanted);
  if (needed.size === 0) return {};
  try {
    const url = writeContext(best.url, best.extension, best.module);
    const inits = initializerIndices(best.module, needed);
    return { context: binding ? { url, inits, binding } : { url, inits } };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { problem: `cannot write its module context beside ${best.url.href}: ${reason}` };
  }
}
