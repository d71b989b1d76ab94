import { readFileSync } from "node:fs";
import { z } from "zod";

const PackageJson = z.object({ name: z.string(), version: z.string(), description: z.string() });
export type PackageInfo = z.infer<typeof PackageJson>;

// src/cli/ and dist/cli/ are both two levels below the package root, so one relative URL serves
// the compiled CLI, the CLI run through tsx, and an installed copy from `npm pack`.
export function packageInfo(): PackageInfo {
  const url = new URL("../../package.json", import.meta.url);
  return PackageJson.parse(JSON.parse(readFileSync(url, "utf8")));
}
