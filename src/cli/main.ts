#!/usr/bin/env node
import { handleStdioErrors } from "./handleStdioErrors.js";
import { runCli } from "./runCli.js";

handleStdioErrors();
process.exitCode = await runCli(process.argv.slice(2));
