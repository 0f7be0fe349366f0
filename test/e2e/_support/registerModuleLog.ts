import { register } from "node:module";

// Preloaded with `node --import` to record every module a process loads (moduleLogHooks.ts).
register(new URL("./moduleLogHooks.js", import.meta.url));
