import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { buildProgram } from "../cli/main.js";
import { modules } from "../modules/registry.js";
import { cliMarkdown } from "./cli-reference.js";
import { GUIDES_WITH_INCLUDES, withIncludes } from "./includes.js";
import { moduleReference } from "./module-reference.js";
import { moduleIndexMarkdown, moduleMarkdown } from "./render-markdown.js";

/** The repository (this file is src/doc/ or dist/doc/ below it): where the guides that include files are read. */
const REPO = new URL("../../", import.meta.url).pathname;

/** Where the module pages go, under the repository. */
export const MODULES_DIR = "docs/modules";

/** Every generated file's text, by its path under the repository. */
export function generatedDocs(): Map<string, string> {
  const files = new Map<string, string>();
  const mods = Object.values(modules);
  for (const mod of mods) files.set(`${MODULES_DIR}/${mod.name}.md`, moduleMarkdown(moduleReference(mod)));
  files.set(`${MODULES_DIR}/README.md`, moduleIndexMarkdown(mods.map((m) => ({ name: m.name, summary: m.doc?.summary ?? "" }))));
  // The program is only read, never run: no command's action (nor the templates they ask for) is reached.
  const program = buildProgram({ templates: () => Promise.reject(new Error("the CLI reference runs no command")) }, () => undefined);
  files.set("docs/cli.md", cliMarkdown(program));
  const read = (path: string) => readFileSync(join(REPO, path), "utf8");
  for (const guide of GUIDES_WITH_INCLUDES) files.set(guide, withIncludes(read(guide), read));
  return files;
}

/**
 * Writes the generated files under `root` (the repository, or a scratch directory), and removes
 * the pages of modules that are gone; returns the paths written.
 */
export function writeDocs(root: string): string[] {
  const files = generatedDocs();
  const pagesDir = join(root, MODULES_DIR);
  mkdirSync(pagesDir, { recursive: true });
  for (const name of readdirSync(pagesDir)) {
    if (name.endsWith(".md") && !files.has(`${MODULES_DIR}/${name}`)) rmSync(join(pagesDir, name));
  }
  for (const [path, text] of files) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return [...files.keys()];
}
