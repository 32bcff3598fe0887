// The console's one stylesheet is appended to by every screen's work; a block left open (a lost
// closing brace after a merge) silently moves every later rule into a media query. Parse it as the
// build does (postcss, which Vite uses) and require each top-level media query to hold only rules.
import { readFileSync } from "node:fs";
import path from "node:path";
import postcss from "postcss";
import { expect, test } from "vitest";

const css = readFileSync(path.resolve(import.meta.dirname, "../app/styles.css"), "utf8");

test("styles.css parses with every block closed", () => {
  expect(() => postcss.parse(css)).not.toThrow();
});

test("no media query swallows the sections after it (each holds only rules, no comments of a new section)", () => {
  const swallowed: string[] = [];
  postcss.parse(css).walkAtRules("media", (media) => {
    media.walkComments((comment) => void swallowed.push(`@media ${media.params}: /* ${comment.text.slice(0, 40)} */`));
  });
  expect(swallowed).toEqual([]);
});
