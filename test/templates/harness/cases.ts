import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parse } from "yaml";
import { z } from "zod";

// A case of the differential template test: a directory under test/templates/cases/ holding
// template.j2 (or template.njk), optionally vars.yml (the variables, laid on top like --vars),
// extra-vars.yml (extra vars, -e @file on both sides: seen on every host), inventory.yml (groups
// and hostvars) and case.yml (the options below). Other files in the directory are what the
// template includes, imports or extends.

const CaseOptions = z
  .object({
    /** The inventory host to render as (needs an inventory). */
    host: z.string().optional(),
    /** The inventory, relative to the case directory; default inventory.yml when it exists. */
    inventory: z.string().optional(),
    /** Both engines must refuse to render it (an undefined variable, a bad construct). */
    fails: z.boolean().default(false),
  })
  .strict();

export interface TemplateCase {
  name: string;
  dir: string;
  template: string;
  vars?: string;
  extraVars?: string;
  inventory?: string;
  host?: string;
  fails: boolean;
}

const NAME = /^[a-z0-9][a-z0-9._-]*$/;

export function loadCases(root: string): TemplateCase[] {
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort()
    .map((name) => loadCase(root, name));
}

function loadCase(root: string, name: string): TemplateCase {
  if (!NAME.test(name)) throw new Error(`${root}/${name}: a case name is lowercase letters, digits, '.', '_' and '-'`);
  const dir = resolve(root, name);
  const template = ["template.j2", "template.njk"].map((f) => join(dir, f)).find((f) => existsSync(f));
  if (template === undefined) throw new Error(`${dir}: no template.j2 or template.njk`);
  const optionsFile = join(dir, "case.yml");
  const options = CaseOptions.parse(existsSync(optionsFile) ? (parse(readFileSync(optionsFile, "utf8")) ?? {}) : {});
  const inventory = options.inventory !== undefined ? resolve(dir, options.inventory) : existsSync(join(dir, "inventory.yml")) ? join(dir, "inventory.yml") : undefined;
  if ((inventory === undefined) !== (options.host === undefined)) throw new Error(`${dir}: an inventory and case.yml's host go together`);
  const vars = existsSync(join(dir, "vars.yml")) ? join(dir, "vars.yml") : undefined;
  const extraVars = existsSync(join(dir, "extra-vars.yml")) ? join(dir, "extra-vars.yml") : undefined;
  return { name, dir, template, fails: options.fails, ...(vars && { vars }), ...(extraVars && { extraVars }), ...(inventory && { inventory }), ...(options.host && { host: options.host }) };
}
