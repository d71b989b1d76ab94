// The pure part of deb822_repository: the file name of a repository and the deb822 text
// ansible.builtin.deb822_repository writes for it (python-debian's Deb822.dump of its fields).

/** Fields in the order Ansible writes them: its argument names sorted, each under its deb822 name. */
export const FIELD_ORDER = [
  "allow_downgrade_to_insecure",
  "allow_insecure",
  "allow_weak",
  "architectures",
  "by_hash",
  "check_date",
  "check_valid_until",
  "components",
  "date_max_future",
  "enabled",
  "exclude",
  "include",
  "inrelease_path",
  "languages",
  "name",
  "pdiffs",
  "signed_by",
  "suites",
  "targets",
  "trusted",
  "types",
  "uris",
] as const;

export type FieldName = (typeof FIELD_ORDER)[number];
export type FieldValue = string | number | boolean | readonly string[];

/** `name` → X-Repolib-Name, `uris` → URIs, others Title-Cased with dashes (signed_by → Signed-By), as Ansible names them. */
export function fieldName(arg: FieldName): string {
  if (arg === "name") return "X-Repolib-Name";
  if (arg === "uris") return "URIs";
  return arg
    .replace(/_/g, "-")
    .toLowerCase()
    .replace(/(^|[^a-z])([a-z])/g, (_m, sep: string, c: string) => sep + c.toUpperCase());
}

/** A value of several lines (key text): on lines of their own, indented four spaces, an empty line written ".". */
function multiline(v: string): string {
  const lines = v.trim().split(/\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/).map((l) => `    ${l.trim() || "."}`);
  return `\n${lines.join("\n")}`;
}

function formatted(v: FieldValue): string {
  if (typeof v === "boolean") return v ? "yes" : "no";
  if (typeof v === "number") return String(v);
  if (typeof v === "string") return v;
  return v.join(" ");
}

/** The .sources text: one stanza of the given fields (undefined ones left out), as Deb822.dump writes it. */
export function deb822Text(fields: Partial<Record<FieldName, FieldValue>>): string {
  let out = "";
  for (const arg of FIELD_ORDER) {
    const v = fields[arg];
    if (v === undefined) continue;
    let value = formatted(v);
    if (value.includes("\n")) value = multiline(value);
    out += value === "" || value.startsWith("\n") ? `${fieldName(arg)}:${value}\n` : `${fieldName(arg)}: ${value}\n`;
  }
  return out;
}

/** The file name Ansible's first releases derived from a name: lower case, `_` and blanks as `-`, anything but [a-z0-9-] dropped. */
export function legacySlug(name: string): string {
  return name
    .toLowerCase()
    .replace(/[_\s]+/g, "-")
    .replace(/[^a-z0-9-]+/g, "");
}

/** The name as a file name now: blanks as `-` (a file of the legacy name, where one exists, is kept). */
export function slug(name: string): string {
  return name.replaceAll(" ", "-");
}

/** Whether signed_by is a URL to download (a scheme before the first colon, as Python's urlparse sees one). */
export function isUrl(v: string): boolean {
  return /^[A-Za-z][A-Za-z0-9+.-]*:/.test(v);
}
