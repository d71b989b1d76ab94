import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseOneLine } from "../../src/modules/apt-sources.js";

/** One `deb` source of this machine, reduced to what a lab host needs to reach the same archive. */
export interface AptSource {
  uri: string;
  suites: string[];
  components: string[];
}

const SUITE = /^bookworm(-(updates|security|backports))?$/;

/**
 * The Debian 12 archives this machine installs from, read from its own apt sources at run time:
 * the lab must use whatever mirror the machine is allowed to reach, and never a host written in
 * the repository. Parses both the one-line format (*.list) and deb822 (*.sources); sources for
 * other distributions or third-party repositories (no bookworm suite) are dropped.
 */
export function hostDebianSources(aptDir = "/etc/apt"): AptSource[] {
  const files: string[] = [];
  const main = join(aptDir, "sources.list");
  files.push(main);
  const partsDir = join(aptDir, "sources.list.d");
  let parts: string[] = [];
  try {
    parts = readdirSync(partsDir).sort();
  } catch {
    // no sources.list.d: fine
  }
  for (const f of parts) files.push(join(partsDir, f));

  const out: AptSource[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch {
      continue;
    }
    const found = file.endsWith(".sources") ? parseDeb822(text) : file.endsWith(".list") ? parseListFile(text) : [];
    for (const s of found) {
      const suites = s.suites.filter((x) => SUITE.test(x));
      if (suites.length > 0) out.push({ ...s, suites });
    }
  }
  return out;
}

/** The `deb` lines of a *.list file, read with the apt module's own line parser. */
export function parseListFile(text: string): AptSource[] {
  const out: AptSource[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.replace(/#.*$/, "").trim();
    if (!line.startsWith("deb ")) continue;
    try {
      const s = parseOneLine(line);
      out.push({ uri: s.uri, suites: [s.suite], components: s.components });
    } catch {
      // A line apt itself would reject gives the lab nothing to mirror.
    }
  }
  return out;
}

export function parseDeb822(text: string): AptSource[] {
  const out: AptSource[] = [];
  for (const stanza of text.split(/\n\s*\n/)) {
    const fields = new Map<string, string>();
    let last = "";
    for (const raw of stanza.split("\n")) {
      if (raw.startsWith("#")) continue;
      if (/^\s/.test(raw) && last) {
        fields.set(last, `${fields.get(last) ?? ""} ${raw.trim()}`);
        continue;
      }
      const m = /^([A-Za-z-]+):\s*(.*)$/.exec(raw);
      if (!m || !m[1]) continue;
      last = m[1].toLowerCase();
      fields.set(last, (m[2] ?? "").trim());
    }
    if (fields.get("enabled")?.toLowerCase() === "no") continue;
    const types = (fields.get("types") ?? "").split(/\s+/);
    if (!types.includes("deb")) continue;
    const split = (k: string) => (fields.get(k) ?? "").split(/\s+/).filter(Boolean);
    for (const uri of split("uris")) out.push({ uri, suites: split("suites"), components: split("components") });
  }
  return out;
}

/** The sources.list a lab host gets: the same archives, one line per suite. */
export function renderSourcesList(sources: readonly AptSource[]): string {
  const lines = sources.flatMap((s) =>
    s.suites.map((suite) => `deb ${s.uri} ${suite} ${(s.components.length ? s.components : ["main"]).join(" ")}`),
  );
  return `# Written by the do-converge lab from the lab machine's own apt sources.\n${lines.join("\n")}\n`;
}

/** The archive that debootstrap builds the base from: the first source carrying bookworm itself. */
export function primaryMirror(sources: readonly AptSource[]): string | undefined {
  return sources.find((s) => s.suites.includes("bookworm"))?.uri;
}
