// Installs polycore's TypeScript hooks in a Node that cannot strip types.
// Passed to workers with `execArgv: ["--import", <this file>]`, because
// workers do not inherit hooks installed with `register()`.
import { register } from "node:module";

register("./node_ts_hooks.mjs", import.meta.url);
