import { GENERATED, mdCode, mdTable, mdText } from "./markdown.js";
import type { ModuleReference } from "./module-reference.js";

/** docs/modules/<module>.md: the module's reference, as `do-converge doc MODULE` prints it. */
export function moduleMarkdown(ref: ModuleReference): string {
  const rows = ref.arguments.map((a) => [
    mdCode(a.name),
    mdCode(a.type),
    a.required ? "required" : a.default !== undefined ? `default ${mdCode(a.default)}` : "",
    (a.choices ?? []).map(mdCode).join(", "),
    mdText(a.description ?? ""),
  ]);
  const lines = [
    GENERATED,
    "",
    `# ${ref.name}`,
    "",
    mdText(ref.summary),
    "",
    `Called as ${mdCode(`await h.${ref.name}(args, meta?)`)} in a play's or role's tasks. [All modules](README.md)`,
    "",
    "## Arguments",
    "",
    ...(rows.length > 0 ? mdTable(["Argument", "Type", "Required / default", "Choices", "Description"], rows) : ["None."]),
    "",
    "## Check mode (`--check`)",
    "",
    mdText(ref.check),
    "",
    "## Diff (`--diff`)",
    "",
    mdText(ref.diff),
    "",
    "## Fast path",
    "",
    `${mdText(ref.fastPath)} See [the fast path](../fast-path.md).`,
    "",
    "## Example",
    "",
    "```ts",
    ref.example,
    "```",
  ];
  return `${lines.join("\n")}\n`;
}

/** docs/modules/README.md: every module with its summary, linked to its page. */
export function moduleIndexMarkdown(refs: readonly { name: string; summary: string }[]): string {
  const lines = [
    GENERATED,
    "",
    "# Modules",
    "",
    "What a task can call as `h.<module>(args, meta?)`: each page lists the module's arguments, what it does in check mode and with `--diff`, and an example. `npx do-converge doc MODULE` prints the same in a terminal.",
    "",
    ...mdTable(
      ["Module", "What it does"],
      refs.map((r) => [`[${r.name}](${r.name}.md)`, mdText(r.summary)]),
    ),
  ];
  return `${lines.join("\n")}\n`;
}
