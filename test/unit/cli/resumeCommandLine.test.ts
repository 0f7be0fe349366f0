import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { resumeCommandLine } from "../../../src/cli/resumeCommandLine.js";

describe("resumeCommandLine", () => {
  // Proves --resume is added once (not twice when given) and --force dropped, the other
  // arguments kept in order.
  test("adds --resume, drops --force, keeps the rest", () => {
    assert.equal(
      resumeCommandLine(["sweep", "c.json", "-o", "out", "--force", "--jobs", "2"]),
      "vmid sweep c.json -o out --jobs 2 --resume",
    );
    assert.equal(resumeCommandLine(["study", "--resume", "-o", "s"]), "vmid study --resume -o s");
  });

  // Proves words a shell would split or expand are single-quoted, a quote inside written as
  // '\'' (close, escaped quote, reopen), so pasting the line gives back the same words.
  test("quotes what a shell would split or expand", () => {
    assert.equal(
      resumeCommandLine(["sweep", "my config.json", "-o", "it's $HOME"]),
      "vmid sweep 'my config.json' -o 'it'\\''s $HOME' --resume",
    );
  });
});
