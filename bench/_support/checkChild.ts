/**
 * A child process for check.bench.ts: explores the CheckOptions given as JSON in argv[2] and
 * prints one JSON line: the verdict, the checker's stats and the process's peak resident
 * memory (`process.resourceUsage().maxRSS`, what `/usr/bin/time -v` reports), so each
 * benchmark row's memory is its own.
 *
 * Run: node dist/bench/_support/checkChild.js '{"cpus":2,...}'
 */
import type { CheckOptions } from "../../src/check/CheckOptions.js";
import { explore } from "../../src/check/explore.js";

const options = JSON.parse(process.argv[2]) as CheckOptions;
const { verdict, stats } = explore(options);
const maxRssMiB = process.resourceUsage().maxRSS / 1024;
process.stdout.write(`${JSON.stringify({ verdict, stats, maxRssMiB })}\n`);
