import { z } from "zod";
import { PyRegexError, compilePyRegex } from "../python/regex.js";
import { ModuleError } from "./contract.js";
import { isSymbolicMode } from "./symbolic-mode.js";

/**
 * Octal modes only ("0644", "644", "1777"): they compare exactly, so idempotence is exact. A
 * number is the mode's value, as Ansible takes an int mode and as `0o644` reads in TypeScript:
 * YAML 1.1's `02770` reaches a module through a variable as 1528, which is mode 2770.
 */
/** A mode as text: a number is the mode's value, written in octal. */
const modeText = z.union([z.string(), z.number().int()]).transform((m) => (typeof m === "number" ? (m < 0 ? String(m) : m.toString(8).padStart(4, "0")) : m));

export const Mode = modeText.pipe(z.string().regex(/^0?[0-7]{3,4}$/, "an octal mode such as \"0644\" (symbolic modes are not supported)"));

/**
 * The file module's mode: octal, or symbolic as Ansible takes it (`u=rw,g=r,o=r`, `g+w`,
 * `u=rwX`), resolved against each path's mode when the task runs (symbolic-mode.ts).
 */
export const FileMode = modeText.pipe(z.string().refine((m) => /^0?[0-7]{3,4}$/.test(m) || isSymbolicMode(m), "an octal mode such as \"0644\" or a symbolic one such as \"u=rw,g=r,o=r\" or \"g+w\""));

/**
 * A user or group name (or a numeric id). Never starting with "-": useradd refuses such names, and
 * one would reach chown as an option (`--reference=FILE`).
 */
export const Owner = z
  .string()
  .min(1)
  .regex(/^[^\s:]+$/, "a user or group name without spaces or ':'")
  .regex(/^[^-]/, "a user or group name, not starting with '-'");

export const AbsPath = z.string().min(1).regex(/^\//, "an absolute path");

/** Ansible's str arguments take YAML integers too ("value: 3"). */
export const Str = z.union([z.string(), z.number().int()]).transform(String);

/** Attributes shared by every module that manages a file. */
export const FileAttrs = {
  mode: Mode.optional().describe('Permissions in octal: "0644" (or the number 0o644); omitted: left as they are.'),
  owner: Owner.optional().describe("The owning user (a name or a numeric id); omitted: left as it is."),
  group: Owner.optional().describe("The owning group (a name or a numeric id); omitted: left as it is."),
};

/**
 * A Python regular expression argument (regexp, insertafter, search_regex) compiled as Ansible
 * compiles it: a bytes pattern, `to_bytes(regexp)`, so \d \w \s \b are ASCII-only. A pattern
 * Python rejects (or JavaScript cannot express) is a ModuleError naming the argument.
 */
export function regexArg(pattern: string, what: string, options: { multiline?: boolean } = {}): RegExp {
  try {
    return compilePyRegex(pattern, { ...options, bytes: true });
  } catch (err) {
    if (err instanceof PyRegexError) throw new ModuleError(`invalid ${what} ${JSON.stringify(pattern)}: ${err.reason}`);
    throw err;
  }
}
