import { ScheduleError } from "./errors.js";

// systemd expands %-specifiers in nearly every setting and $VAR in ExecStart: a literal % or $
// is doubled, or a path like /srv/100%/site.ts would change meaning inside the unit.
const escapeSpecifiers = (s: string, dollar: boolean) => (dollar ? s.replace(/%/g, "%%").replace(/\$/g, "$$$$") : s.replace(/%/g, "%%"));

function noNewline(s: string): string {
  if (/[\n\r\0]/.test(s)) throw new ScheduleError(`${JSON.stringify(s)}: a path or argument with a newline cannot go into a systemd unit`);
  return s;
}

/** One word as systemd's command-line parser reads it back exactly (ExecStart=). */
export function systemdWord(s: string): string {
  const e = escapeSpecifiers(noNewline(s), true);
  if (e !== "" && /^[A-Za-z0-9_@%+=:,./$-]+$/.test(e)) return e;
  return `"${e.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

/** ExecStart='s value for an argv. */
export function systemdCommand(argv: readonly string[]): string {
  return argv.map(systemdWord).join(" ");
}

/** An Environment= value: one quoted KEY=value assignment. */
export function systemdEnvironment(key: string, value: string): string {
  return `"${escapeSpecifiers(noNewline(`${key}=${value}`), false).replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

/** A path setting (WorkingDirectory=, User=): unquoted, specifiers escaped. */
export function systemdPath(s: string): string {
  return escapeSpecifiers(noNewline(s), false);
}

/**
 * The argv of an ExecStart= value, as systemd splits it: the inverse of systemdCommand (for
 * status, and for tests that run exactly what a timer would).
 */
export function parseSystemdCommand(value: string): string[] {
  const words: string[] = [];
  let i = 0;
  const s = value.trim();
  while (i < s.length) {
    while (s[i] === " " || s[i] === "\t") i++;
    if (i >= s.length) break;
    let word = "";
    const quote = s[i] === '"' || s[i] === "'" ? s[i] : undefined;
    if (quote) i++;
    while (i < s.length) {
      const c = s[i] ?? "";
      if (quote ? c === quote : c === " " || c === "\t") break;
      if (c === "\\" && i + 1 < s.length) {
        word += s[i + 1];
        i += 2;
        continue;
      }
      word += c;
      i++;
    }
    if (quote) i++;
    words.push(word.replace(/%%/g, "%").replace(/\$\$/g, "$"));
  }
  return words;
}

/** The value of the first `Key=` line of a unit file's text. */
export function unitSetting(text: string, key: string): string | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${key}=`));
  return line?.slice(key.length + 1);
}

/** Every `Key=` value (Environment= may repeat). */
export function unitSettings(text: string, key: string): string[] {
  return text
    .split("\n")
    .filter((l) => l.startsWith(`${key}=`))
    .map((l) => l.slice(key.length + 1));
}
