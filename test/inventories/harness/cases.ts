import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parse } from "yaml";
import { z } from "zod";

// A case of the differential inventory test: a directory under test/inventories/corpus/ holding
// case.yml and the inventory files. case.yml names the `-i` sources (relative to the case
// directory, in order) and the public project whose inventory the case is modelled on.

const CaseOptions = z
  .object({
    /** The `-i` values, relative to the case directory (a file, a directory, or a host list). */
    sources: z.array(z.string().min(1)).min(1),
    /** Which real inventory this case reproduces the shape of, or what it exercises. */
    about: z.string().min(1),
    /** Both tools must refuse the inventory (ours naming file:line). */
    fails: z.boolean().default(false),
  })
  .strict();

export interface InventoryCase {
  name: string;
  dir: string;
  /** -i values: absolute paths for files and directories, as given for host lists */
  sources: string[];
  fails: boolean;
}

const NAME = /^[a-z0-9][a-z0-9._-]*$/;

export function loadCases(root: string): InventoryCase[] {
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort()
    .map((name) => loadCase(root, name));
}

function loadCase(root: string, name: string): InventoryCase {
  if (!NAME.test(name)) throw new Error(`${root}/${name}: a case name is lowercase letters, digits, '.', '_' and '-'`);
  const dir = resolve(root, name);
  const options = CaseOptions.parse(parse(readFileSync(join(dir, "case.yml"), "utf8")));
  const sources = options.sources.map((s) => {
    const path = resolve(dir, s);
    return existsSync(path) || !s.includes(",") ? path : s;
  });
  return { name, dir, sources, fails: options.fails };
}
