import { describe, expect, it } from "vitest";
import { withIncludes } from "../../../src/doc/includes.js";

// A guide's include block is made the file's text, fenced, and only the block is touched.

describe("a guide's includes", () => {
  const read = (path: string) => ({ "a.ts": "const a = 1;\n", "b.md": "text\n```sh\nls\n```\n" })[path] ?? "";

  it("writes each file between its markers, fenced with its extension, and leaves the rest alone", () => {
    const guide = "Before.\n\n<!-- include: a.ts -->\nold text\n<!-- end include -->\n\nBetween.\n<!-- include: b.md -->\n<!-- end include -->\nAfter.\n";
    expect(withIncludes(guide, read)).toBe(
      "Before.\n\n<!-- include: a.ts -->\n```ts\nconst a = 1;\n```\n<!-- end include -->\n\nBetween.\n<!-- include: b.md -->\n````md\ntext\n```sh\nls\n```\n````\n<!-- end include -->\nAfter.\n",
    );
  });

  it("is the same when run again", () => {
    const once = withIncludes("<!-- include: a.ts -->\n<!-- end include -->\n", read);
    expect(withIncludes(once, read)).toBe(once);
  });
});
