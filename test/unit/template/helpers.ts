import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach } from "vitest";
import { createTemplateEngine, TemplateError, type TemplateEngine } from "../../../src/template/index.js";

/** Renders a template string with a fresh engine (no search paths). */
export function render(source: string, vars: Record<string, unknown> = {}, name?: string): string {
  return createTemplateEngine({ searchPaths: [] }).renderString(source, vars, name);
}

/** The TemplateError a render throws (fails the test if it renders). */
export function renderError(source: string, vars: Record<string, unknown> = {}, name?: string): TemplateError {
  try {
    const out = render(source, vars, name);
    throw new Error(`expected an error, rendered ${JSON.stringify(out)}`);
  } catch (e) {
    if (e instanceof TemplateError) return e;
    throw e;
  }
}

/** Renders `{{ expr }}`: the quickest way to check a filter or an expression. */
export function expr(expression: string, vars: Record<string, unknown> = {}): string {
  return render(`{{ ${expression} }}`, vars);
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A temporary search path holding the given files; removed after the test. */
export function templateDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "do-converge-tpl-"));
  dirs.push(dir);
  for (const [name, content] of Object.entries(files)) {
    const path = join(dir, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
  }
  return dir;
}

export function engineWith(files: Record<string, string>, ...more: Record<string, string>[]): TemplateEngine {
  return createTemplateEngine({ searchPaths: [templateDir(files), ...more.map((f) => templateDir(f))] });
}
