import { ModuleError } from "./contract.js";

// Pure parts of apt_repository: deb822 .sources rendering, one-line .list parsing and editing.

export interface Deb822Source {
  types: string[];
  uris: string[];
  suites: string[];
  components: string[];
  /** A keyring path, or an ASCII-armored key embedded in the file. */
  signedBy?: string | undefined;
  architectures?: string[] | undefined;
  trusted?: boolean | undefined;
  enabled?: boolean | undefined;
}

const ARMOR = "-----BEGIN PGP PUBLIC KEY BLOCK-----";

export const isArmoredKey = (s: string): boolean => s.includes(ARMOR);

/** deb822 multi-line value: continuation lines start with a space, empty lines become " .". */
function multiline(value: string): string {
  return value
    .trim()
    .split("\n")
    .map((l) => (l.trim() === "" ? " ." : ` ${l.trimEnd()}`))
    .join("\n");
}

/** The .sources file, fields in apt's documented order, the same bytes for the same input. */
export function renderDeb822(s: Deb822Source): string {
  const lines = ["# Managed by do-converge: changes made here are overwritten.", `Types: ${s.types.join(" ")}`, `URIs: ${s.uris.join(" ")}`, `Suites: ${s.suites.join(" ")}`];
  if (s.components.length) lines.push(`Components: ${s.components.join(" ")}`);
  if (s.architectures?.length) lines.push(`Architectures: ${s.architectures.join(" ")}`);
  if (s.signedBy !== undefined) lines.push(isArmoredKey(s.signedBy) ? `Signed-By:\n${multiline(s.signedBy)}` : `Signed-By: ${s.signedBy}`);
  if (s.trusted !== undefined) lines.push(`Trusted: ${s.trusted ? "yes" : "no"}`);
  if (s.enabled !== undefined) lines.push(`Enabled: ${s.enabled ? "yes" : "no"}`);
  return `${lines.join("\n")}\n`;
}

/** A one-line source: `deb [opt=val ...] URI SUITE [COMPONENT...]`. */
export interface OneLineSource {
  type: "deb" | "deb-src";
  options: string[];
  uri: string;
  suite: string;
  components: string[];
}

export function parseOneLine(line: string): OneLineSource {
  const m = /^\s*(deb|deb-src)\s+(?:\[([^\]]*)\]\s*)?(\S+)\s+(\S+)((?:\s+\S+)*)\s*$/.exec(line);
  if (!m?.[1] || !m[3] || !m[4]) throw new ModuleError(`"${line}" is not a source line (deb [options] URI SUITE [COMPONENT...])`);
  const components = (m[5] ?? "").trim().split(/\s+/).filter(Boolean);
  if (!m[4].endsWith("/") && components.length === 0) throw new ModuleError(`"${line}": a suite needs components (only a flat repository's path ending in / has none)`);
  return { type: m[1] as "deb" | "deb-src", options: (m[2] ?? "").trim().split(/\s+/).filter(Boolean), uri: m[3], suite: m[4], components };
}

/** The canonical spelling of a source line: what lines are compared by. */
export function formatOneLine(s: OneLineSource): string {
  return [s.type, ...(s.options.length ? [`[${s.options.join(" ")}]`] : []), s.uri, s.suite, ...s.components].join(" ");
}

/** Ansible's default file name: host and path of the URI, anything but letters and digits made "_". */
export function suggestFilename(s: OneLineSource): string {
  const host = s.uri.replace(/^\w+:\/\//, "").split("@").pop() ?? "";
  return host.replace(/[^a-zA-Z0-9]/g, " ").trim().split(/\s+/).join("_") || "repository";
}

/** The canonical line in a file line, or undefined for comments, blanks and garbage. */
function activeLine(raw: string): string | undefined {
  try {
    return raw.trim().startsWith("#") ? undefined : formatOneLine(parseOneLine(raw));
  } catch {
    return undefined;
  }
}

/** A commented-out copy of the line ("# deb ..."), which Ansible re-enables instead of adding. */
function disabledLine(raw: string): string | undefined {
  const m = /^\s*#\s*(deb(?:-src)?\s.*)$/.exec(raw);
  return m?.[1] ? activeLine(m[1]) : undefined;
}

/**
 * The file's text with the line present (re-enabled if commented out, else appended) or absent
 * (every active copy removed); other lines stay as they are. Undefined for absent when nothing
 * but comments and blanks would remain: the file goes.
 */
export function editListFile(text: string, line: OneLineSource, present: boolean): string | undefined {
  const want = formatOneLine(line);
  const lines = text === "" ? [] : text.replace(/\n$/, "").split("\n");
  if (present) {
    if (lines.some((l) => activeLine(l) === want)) return text;
    const disabled = lines.findIndex((l) => disabledLine(l) === want);
    if (disabled >= 0) lines[disabled] = want;
    else lines.push(want);
    return `${lines.join("\n")}\n`;
  }
  const kept = lines.filter((l) => activeLine(l) !== want);
  if (kept.length === lines.length) return text === "" ? undefined : text;
  return kept.some((l) => l.trim() !== "" && !l.trim().startsWith("#")) ? `${kept.join("\n")}\n` : undefined;
}
