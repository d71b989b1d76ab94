import { extname } from "node:path";

// A guide that shows a file of the repository whole (an example the tests type-check and run)
// holds it between two markers; `npm run docs` writes the file's text between them, and the
// generated docs' test fails when the guide no longer shows the file as it is.

/** The guides that include files, by path under the repository. */
export const GUIDES_WITH_INCLUDES = ["docs/guides/writing-modules.md"] as const;

const BLOCK = /^<!-- include: (\S+) -->\n[\s\S]*?^<!-- end include -->$/gm;

/** A guide's text with each include's block made the file's text, fenced; `read` reads a file of the repository. */
export function withIncludes(text: string, read: (path: string) => string): string {
  return text.replace(BLOCK, (_block, path: string) => {
    const content = read(path);
    const fence = "`".repeat(Math.max(3, ...[...content.matchAll(/^`{3,}/gm)].map((m) => m[0].length + 1)));
    return `<!-- include: ${path} -->\n${fence}${extname(path).slice(1)}\n${content.endsWith("\n") ? content : `${content}\n`}${fence}\n<!-- end include -->`;
  });
}
