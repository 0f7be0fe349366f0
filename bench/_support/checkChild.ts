/**
 * A child process for check.bench.ts: explores the CheckOptions given as JSON in argv[2] with
 * the jobs in argv[3] (1: explore, in this thread; more: exploreParallel on that many worker
 * threads) and prints one JSON line: the verdict, the checker's stats and the process's peak
 * resident memory, every thread's together (`process.resourceUsage().maxRSS`, what
 * `/usr/bin/time -v` reports), so each benchmark row's memory is its own.
 *
 * Run: node dist/bench/_support/checkChild.js '{"cpus":2,...}' 2
 */
import type { CheckOptions } from "../../src/check/CheckOptions.js";
import { explore } from "../../src/check/explore.js";
import { exploreParallel } from "../../src/check/exploreParallel.js";

const options = JSON.parse(process.argv[2]) as CheckOptions;
const jobs = Number(process.argv[3] ?? "1");
const { verdict, stats } = jobs === 1 ? explore(options) : await exploreParallel(options, jobs);
const maxRssMiB = process.resourceUsage().maxRSS / 1024;
process.stdout.write(`${JSON.stringify({ verdict, stats, maxRssMiB })}\n`);
