import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

// Template lookup as Jinja2's FileSystemLoader does it (and so as Ansible's template module
// does for a role's templates/): names are relative to the search paths, tried in order, with
// "/" separators; ".." segments are refused rather than escaping a search path.

export class MissingTemplateError extends Error {
  constructor(
    readonly template: string,
    readonly searchPaths: readonly string[],
  ) {
    super(`template '${template}' not found`);
    this.name = "MissingTemplateError";
  }
}

export interface LoadedSource {
  readonly name: string;
  readonly path: string;
  readonly source: string;
}

export class SearchPathLoader {
  constructor(readonly searchPaths: readonly string[]) {}

  load(name: string): LoadedSource {
    const pieces = name.split("/").filter((p) => p !== "" && p !== ".");
    if (pieces.length === 0 || pieces.includes("..")) throw new MissingTemplateError(name, this.searchPaths);
    for (const dir of this.searchPaths) {
      const path = join(dir, ...pieces);
      if (existsSync(path) && statSync(path).isFile()) {
        return { name, path, source: readFileSync(path, "utf8") };
      }
    }
    throw new MissingTemplateError(name, this.searchPaths);
  }
}
