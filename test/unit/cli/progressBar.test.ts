import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { showsProgress } from "../../../src/cli/progressBar.js";

describe("showsProgress", () => {
  // Proves the whole table: progress only on a terminal, with TERM other than "dumb" (or unset),
  // and without --quiet. Every other combination of the three shows nothing.
  test("only a terminal that is not dumb, without --quiet", () => {
    const terminals = [
      { stream: { isTTY: true }, tty: true },
      { stream: { isTTY: false }, tty: false },
      { stream: {}, tty: false },
    ];
    const terms = [
      { env: { TERM: "xterm-256color" }, dumb: false },
      { env: {}, dumb: false },
      { env: { TERM: "dumb" }, dumb: true },
    ];
    for (const { stream, tty } of terminals) {
      for (const { env, dumb } of terms) {
        for (const quiet of [false, true]) {
          const expected = tty && !dumb && !quiet;
          assert.equal(
            showsProgress(stream, env, quiet),
            expected,
            `tty ${tty}, env ${JSON.stringify(env)}, quiet ${quiet}`,
          );
        }
      }
    }
  });
});
