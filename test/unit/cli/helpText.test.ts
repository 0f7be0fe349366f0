import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { formatHelpSections, helpWidth, MAX_HELP_WIDTH } from "../../../src/cli/helpText.js";

describe("helpWidth", () => {
  // Proves help is 80 columns off a terminal and on a wide one, and a narrower terminal's width.
  test("80 when piped or on a wide terminal; a narrower terminal's columns", () => {
    assert.equal(MAX_HELP_WIDTH, 80);
    assert.equal(helpWidth({}), 80);
    assert.equal(helpWidth({ isTTY: false, columns: 50 }), 80);
    assert.equal(helpWidth({ isTTY: true, columns: 200 }), 80);
    assert.equal(helpWidth({ isTTY: true, columns: 60 }), 60);
    assert.equal(helpWidth({ isTTY: true }), 80);
    assert.equal(helpWidth({ isTTY: true, columns: 0 }), 80);
  });
});

describe("formatHelpSections", () => {
  // Proves the layout of items: two spaces, the term padded to the longest term (3), two spaces,
  // the description; each section after a blank line, the title on its own line.
  test("a titled list of items and a paragraph, each after a blank line", () => {
    const text = formatHelpSections(
      [
        {
          title: "T:",
          items: [
            ["a", "x"],
            ["bbb", "y"],
          ],
        },
        { text: "one two" },
      ],
      80,
    );
    assert.equal(text, "\nT:\n  a    x\n  bbb  y\n\none two");
  });

  // Proves an item's description wraps at the width and continues under itself. At width 50 the
  // description column starts after 2 + 2 + 2 = 6 columns and holds 44: nine four-letter words
  // and their eight spaces are exactly 44, so the tenth word goes on a line of its own.
  test("a description wraps at the width, indented under its start", () => {
    const words = "aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj";
    const text = formatHelpSections([{ items: [["ab", words]] }], 50);
    assert.equal(text, "\n  ab  aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii\n      jjjj");
    for (const line of text.split("\n")) assert.ok(line.length <= 50, line);
  });

  // Proves paragraphs wrap at the width but keep their own line breaks, and lines stay as given.
  // Ten four-letter words and nine spaces are 49 columns: the eleventh word wraps at width 50.
  test("a paragraph wraps, keeping its line breaks; lines are kept as written", () => {
    const text = formatHelpSections(
      [
        { text: "aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk\nshort" },
        { lines: ["  kept   as  is"] },
      ],
      50,
    );
    assert.equal(
      text,
      "\naaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj\nkkkk\nshort\n\n  kept   as  is",
    );
  });
});
