import { z } from "zod";
import { putFile } from "../remote/files.js";
import type { RemoteShell } from "../remote/shell.js";
import { type TextFileProbe, probeTextFile } from "../remote/text-file.js";
import { type Change, ModuleError, type TextDiff, defineModule } from "./contract.js";
import { isGenerated, localeLines, offeredLocales, setLocales } from "./locale-gen-edit.js";
import { fileText } from "./text-edit.js";

// locale_gen: locales generated (or not), as community.general.locale_gen does it on Debian: their
// lines of /etc/locale.gen enabled or commented out, then `locale-gen`, which builds every enabled
// one. Ansible judges by `locale -a` alone; here a locale whose /etc/locale.gen line is commented
// out also counts as drift (the next locale-gen, by anyone, would drop it), and the other way round.

const LOCALE_GEN = "/etc/locale.gen";

const Locale = z.string().regex(/^[^\s#]+$/, "a locale such as en_US.UTF-8");

const LocaleGenArgs = z.strictObject({
  name: z
    .union([Locale, z.array(Locale).min(1)])
    .transform((n) => (Array.isArray(n) ? n : [n]))
    .describe("The locale(s), as /etc/locale.gen names them: en_GB.UTF-8, de_CH.UTF-8."),
  state: z.enum(["present", "absent"]).default("present").describe("present: generated, its /etc/locale.gen line enabled; absent: removed, its line commented out."),
});

type LocaleGenArgs = z.output<typeof LocaleGenArgs>;

export interface LocaleGenState {
  file: TextFileProbe;
  /** `locale -a`'s output. */
  localeA: string;
}

/**
 * Locales no locale-gen removes: glibc (2.35 on) has C.UTF-8 built in, as it always had C and
 * POSIX, and Debian's libc-bin shipped it as a directory of its own before that.
 */
const BUILT_IN = "C\nPOSIX\nC.UTF-8\n";

/** Whether a locale is as wanted: generated (or not), and its /etc/locale.gen line, where it has one, enabled (or not). */
function inState(name: string, present: boolean, st: LocaleGenState, text: string): boolean {
  const lines = localeLines(text, name);
  if (present) return isGenerated(name, st.localeA) && (!lines.listed || lines.enabled);
  return !isGenerated(name, st.localeA) && !lines.enabled;
}

interface LocalePlan {
  /** The locales not as wanted. */
  names: string[];
  text: string;
  after: string;
}

function plan(args: LocaleGenArgs, st: LocaleGenState): LocalePlan {
  const text = fileText(st.file).text ?? "";
  const offered = offeredLocales(text);
  const missing = args.name.filter((n) => !offered.has(n) && !isGenerated(n, st.localeA));
  if (missing.length) throw new ModuleError(`The following locales you've entered are not available on your system: ${missing.join(", ")}`);
  const present = args.state === "present";
  const builtIn = present ? [] : args.name.filter((n) => isGenerated(n, BUILT_IN));
  if (builtIn.length) throw new ModuleError(`${builtIn.join(", ")}: built into the C library, cannot be removed`);
  const names = args.name.filter((n) => !inState(n, present, st, text));
  return { names, text, after: names.length ? setLocales(text, args.name, present) : text };
}

async function probe(sh: RemoteShell): Promise<LocaleGenState> {
  const file = await probeTextFile(sh, LOCALE_GEN);
  if (file.file.type === "absent") {
    const r = await sh.run("[ -d /var/lib/locales/supported.d ]");
    // Ubuntu's locale-gen keeps its list elsewhere, and takes locales as arguments.
    if (r.rc === 0) throw new ModuleError(`${LOCALE_GEN} is missing and /var/lib/locales/supported.d is there: Ubuntu's way of generating locales is not supported`);
    throw new ModuleError(`${LOCALE_GEN} is missing. Is the package "locales" installed?`);
  }
  const r = await sh.run("locale -a");
  if (r.rc !== 0) throw new ModuleError(`locale -a failed: ${r.stderr.trim()}`, r);
  return { file, localeA: r.stdout };
}

const stateText = (names: readonly string[], present: (n: string) => boolean) => names.map((n) => `${n}: ${present(n) ? "present" : "absent"}\n`).join("");

export interface LocaleGenResult {
  name: string[];
}

export const locale_gen = defineModule({
  name: "locale_gen",
  args: LocaleGenArgs,
  doc: {
    summary: "Locales generated or removed: their /etc/locale.gen lines enabled or commented out, then locale-gen.",
    example: 'await h.locale_gen({ name: ["en_US.UTF-8", "de_CH.UTF-8"] });',
    diff: "Which of the locales are generated before and after, and /etc/locale.gen before and after when it changes.",
  },
  probe: (ctx) => probe(ctx.sh),
  diff(args, st): Change | undefined {
    const p = plan(args, st);
    if (p.names.length === 0) return undefined;
    const diffs: TextDiff[] = [{ label: "locales", before: stateText(p.names, (n) => isGenerated(n, st.localeA)), after: stateText(p.names, () => args.state === "present") }];
    if (p.after !== p.text) diffs.push({ label: LOCALE_GEN, before: p.text, after: p.after });
    return { summary: `${p.names.join(", ")} ${args.state === "present" ? "generated" : "removed"}`, diffs };
  },
  async apply(ctx, args, st): Promise<LocaleGenResult> {
    const p = plan(args, st);
    if (p.after !== p.text) await putFile(ctx.sh, st.file.realPath, p.after);
    const r = await ctx.sh.run("command -v locale-gen >/dev/null || { echo 'locale-gen not found: is the package \"locales\" installed?' >&2; exit 127; }; locale-gen");
    if (r.rc !== 0) throw new ModuleError(`locale-gen failed: ${r.stderr.trim() || r.stdout.trim() || `rc ${r.rc}`}`, r);
    // locale-gen builds what /etc/locale.gen enables: a locale that still is (or is not) there was not ours to change.
    const now = await probe(ctx.sh);
    const wrong = args.name.filter((n) => isGenerated(n, now.localeA) !== (args.state === "present"));
    if (wrong.length) {
      const why = args.state === "present" ? "not generated by locale-gen" : "still there after locale-gen";
      throw new ModuleError(`${wrong.join(", ")}: ${why}`);
    }
    return { name: args.name };
  },
  unchanged: (args): LocaleGenResult => ({ name: args.name }),
});
