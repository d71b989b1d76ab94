import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { ConfigError } from "../runner/errors.js";

/**
 * `-e` as ansible-playbook takes it: `key=value key2=value2`, a JSON or YAML mapping, or
 * `@file.yml`. Later -e options override earlier ones.
 */
export function parseExtraVars(items: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const item of items) {
    const text = item.trim();
    let parsed: unknown;
    if (text.startsWith("@")) {
      const file = text.slice(1);
      try {
        parsed = parseYaml(readFileSync(file, "utf8"));
      } catch (err) {
        throw new ConfigError(`--extra-vars ${text}: ${err instanceof Error ? err.message : String(err)}`);
      }
    } else if (text.startsWith("{")) {
      try {
        parsed = parseYaml(text);
      } catch (err) {
        throw new ConfigError(`--extra-vars: not a valid mapping: ${err instanceof Error ? err.message : String(err)}`);
      }
    } else {
      parsed = Object.fromEntries(
        (text.match(/(?:[^\s"']+|"[^"]*"|'[^']*')+/g) ?? []).map((pair) => {
          const eq = pair.indexOf("=");
          if (eq <= 0) throw new ConfigError(`--extra-vars: ${JSON.stringify(pair)} is not key=value`);
          return [pair.slice(0, eq), pair.slice(eq + 1).replace(/^(["'])(.*)\1$/, "$2")];
        }),
      );
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      throw new ConfigError(`--extra-vars ${text}: must be a mapping of variables`);
    }
    Object.assign(out, parsed);
  }
  return out;
}
