/**
 * Prose for Markdown: outside `code spans`, characters Markdown would read as markup (two `*` in one
 * paragraph taken for emphasis, `<timestamp>` taken for an HTML tag) are escaped; `|` is escaped
 * everywhere, inside code spans too, so a table cell stays one cell.
 */
export function mdText(text: string): string {
  return text
    .split(/(`[^`]*`)/)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(/\\/g, "\\\\").replace(/[*[\]]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])/g, (c) => `\\${c}`).replace(/</g, "&lt;").replace(/>/g, "&gt;")))
    .join("")
    .replace(/\|/g, "\\|")
    .replace(/\n/g, "<br>");
}

/** A code span for a table cell (its `|` escaped, as GitHub's tables need even in code). */
export function mdCode(text: string): string {
  const fence = text.includes("`") ? "``" : "`";
  return `${fence}${text.replace(/\|/g, "\\|")}${fence}`;
}

/** A Markdown table: a header row and rows of cells already in Markdown. */
export function mdTable(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  return [`| ${header.join(" | ")} |`, `| ${header.map(() => "---").join(" | ")} |`, ...rows.map((r) => `| ${r.join(" | ")} |`)];
}

/** The first line of every generated file: where it comes from, and how it is made again. */
export const GENERATED = "<!-- Generated from the code by `npm run docs`: do not edit; a unit test fails when it is stale. -->";
