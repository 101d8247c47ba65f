/**
 * Building HTML as text, safely: escaping what goes into it, filling a template's `{{slots}}`,
 * and JSON that can sit inside a `<script type="application/json">` block.
 *
 * @module
 */

const entities: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/**
 * `value` as text for HTML content or a quoted attribute: `& < > " '` escaped.
 *
 * @example
 * ```ts
 * import { escapeHtml } from "./html.ts";
 * console.assert(escapeHtml(`<b title="x">&</b>`) === "&lt;b title=&quot;x&quot;&gt;&amp;&lt;/b&gt;");
 * ```
 */
export function escapeHtml(value: string | number): string {
  return String(value).replace(/[&<>"']/g, (c) => entities[c]);
}

/**
 * `template` with each `{{name}}` replaced by `slots[name]`, inserted as is (HTML).
 *
 * @throws {RangeError} when the template names a slot that `slots` lacks, or `slots` has one
 * that the template does not name.
 *
 * @example
 * ```ts
 * import { fillTemplate } from "./html.ts";
 * console.assert(fillTemplate("<p>{{greeting}}</p>", { greeting: "hi" }) === "<p>hi</p>");
 * ```
 */
export function fillTemplate(template: string, slots: Readonly<Record<string, string>>): string {
  const used = new Set<string>();
  const filled = template.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, name: string) => {
    if (!Object.hasOwn(slots, name)) {
      throw new RangeError(`Cannot fill the template as it names an unknown slot: '${name}'`);
    }
    used.add(name);
    return slots[name];
  });
  const unused = Object.keys(slots).filter((name) => !used.has(name));
  if (unused.length > 0) {
    throw new RangeError(`Cannot fill the template as it lacks the slots: ${unused.join(", ")}`);
  }
  return filled;
}

/**
 * `value` as JSON that is safe inside `<script type="application/json">`: `<`, `>` and `&` are
 * written as `\u003c`… so no `</script>` or comment can end the block early.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}
