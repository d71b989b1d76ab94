import type { AnsibleFacts } from "../schema.js";
import type { Sections } from "../sections.js";

type Local = AnsibleFacts["local"];

class IniError extends Error {}

/**
 * An INI text as Python's configparser reads it and Ansible hands it on: sections of options,
 * names lowercased, `=` or `:` between name and value, indented lines continuing a value,
 * `#`/`;` comment lines, DEFAULT's options in every section, `%(name)s` interpolation and `%%`.
 * Whatever configparser refuses (an option before any section, a duplicate, a bad `%`) throws.
 */
export function parseIni(text: string): Record<string, Record<string, string>> {
  const sections = new Map<string, Map<string, string[]>>();
  const defaults = new Map<string, string[]>();
  let current: Map<string, string[]> | undefined;
  let last: string[] | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const stripped = raw.trim();
    if (stripped === "" || stripped.startsWith("#") || stripped.startsWith(";")) {
      // A blank line inside a value belongs to it; a comment line never does.
      if (stripped === "" && last) last.push("");
      continue;
    }
    if (/^\s/.test(raw) && last) {
      last.push(stripped);
      continue;
    }
    const header = /^\[([^\]]+)\]/.exec(stripped);
    if (header?.[1] !== undefined) {
      const name = header[1];
      if (sections.has(name)) throw new IniError(`duplicate section ${name}`);
      current = name === "DEFAULT" ? defaults : new Map();
      if (name !== "DEFAULT") sections.set(name, current);
      last = undefined;
      continue;
    }
    if (!current) throw new IniError("option outside any section");
    const m = /^(.*?)\s*[=:]\s*(.*)$/.exec(stripped);
    if (!m?.[1]) throw new IniError(`cannot parse line ${stripped}`);
    const key = m[1].toLowerCase();
    if (current.has(key)) throw new IniError(`duplicate option ${key}`);
    last = [m[2] ?? ""];
    current.set(key, last);
  }
  const join = (v: string[]) => v.join("\n").replace(/\n+$/, "");
  const out: Record<string, Record<string, string>> = {};
  for (const [name, opts] of sections) {
    const raw = new Map<string, string>([...defaults].map(([k, v]) => [k, join(v)]));
    for (const [k, v] of opts) raw.set(k, join(v));
    out[name] = Object.fromEntries([...raw.keys()].map((k) => [k, interpolate(k, raw, 0)]));
  }
  return out;
}

function interpolate(key: string, raw: ReadonlyMap<string, string>, depth: number): string {
  if (depth > 10) throw new IniError(`interpolation too deep at ${key}`);
  const value = raw.get(key) ?? "";
  return value.replace(/%(%|\((.*?)\)s|.?)/g, (whole: string, what: string, name: string | undefined) => {
    if (what === "%") return "%";
    if (name !== undefined && raw.has(name.toLowerCase())) return interpolate(name.toLowerCase(), raw, depth + 1);
    throw new IniError(`bad interpolation ${whole} in ${key}`);
  });
}

/** JSON as Python's json.loads takes it: NaN and the infinities too. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const lenient = text.replace(/(?<=[:,[]\s*)(-?Infinity|NaN)(?=\s*[,\]}])/g, "null");
    if (lenient === text) throw e;
    return JSON.parse(lenient);
  }
}

/**
 * facts.d (system/local.py): each /etc/ansible/facts.d/*.fact under its base name, run when its
 * owner may execute it, else read; JSON, else INI, else Ansible's error text in its place.
 */
export function localFacts(s: Sections): Local {
  const local: Local = {};
  for (const file of s.args("local_out")) {
    const base = (file.split("/").pop() ?? file).replace(".fact", "");
    const rc = s.has(`local_rc ${file}`) ? Number(s.content(`local_rc ${file}`)) : undefined;
    if (rc !== undefined && rc !== 0) {
      local[base] = `Failure executing fact script (${file}), rc: ${rc}, err: ${s.raw(`local_err ${file}`) ?? ""}`;
      continue;
    }
    const out = s.raw(`local_out ${file}`) ?? "";
    // A file read (not run) is stripped by get_file_content; a script's output is not.
    const text = rc === undefined ? out.trim() : out;
    try {
      local[base] = parseJson(text) as Local[string];
    } catch {
      try {
        local[base] = parseIni(text);
      } catch {
        local[base] = `error loading facts as JSON or ini - please check content: ${file}`;
      }
    }
  }
  return local;
}
