// Ansible's module_utils/parsing/convert_bool.py, strict mode: these spellings and nothing else.
const TRUE = new Set(["y", "yes", "on", "1", "true", "t"]);
const FALSE = new Set(["n", "no", "off", "0", "false", "f"]);

/** Ansible's boolean(): true/false, 1/0, and the strings above in any case; undefined otherwise. */
export function ansibleBoolean(value: unknown): boolean | undefined {
  if (typeof value === "boolean") return value;
  if (value === 1 || value === 0) return value === 1;
  if (typeof value !== "string") return undefined;
  const normalized = value.trim().toLowerCase();
  if (TRUE.has(normalized)) return true;
  if (FALSE.has(normalized)) return false;
  return undefined;
}
