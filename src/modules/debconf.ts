import { z } from "zod";
import { shellQuote } from "../remote/quote.js";
import type { RemoteShell } from "../remote/shell.js";
import { type Change, ModuleError, defineModule } from "./contract.js";

// debconf: pre-seeds a package's configuration question (debconf-set-selections), as Ansible's.
// Everything used is in the `debconf` package itself (debconf-utils, with
// debconf-get-selections, is not on a minimal Debian): debconf-communicate reads one question,
// debconf-show lists a package's. Passwords travel on stdin only, are compared on the host (the
// current one never comes back), and are never shown in diffs or results.

const VTYPES = ["boolean", "error", "multiselect", "note", "password", "seen", "select", "string", "text", "title"] as const;
type Vtype = (typeof VTYPES)[number];

/** Shown instead of a password, as debconf-show does. */
export const PASSWORD_OMITTED = "(password omitted)";

const DebconfArgs = z
  .strictObject({
    name: z.string().regex(/^[a-z0-9][a-z0-9+.-]*$/, "a Debian package name").describe("The package owning the question."),
    question: z
      .string()
      .regex(/^\S+$/, "a question name without spaces")
      .optional()
      .describe('The question, e.g. "tzdata/Areas"; omitted: the task only reports the package\'s current answers.'),
    vtype: z.enum(VTYPES).optional().describe("The question's type; needed with question."),
    value: z
      .union([z.string(), z.number(), z.boolean(), z.array(z.string())])
      .optional()
      .describe("The answer (one line); a list for multiselect (compared as a set). A password is compared on the host and never shown."),
    unseen: z.boolean().default(false).describe("Do not mark the question as seen (debconf-set-selections -u): the package may still ask it."),
  })
  .superRefine((a, ctx) => {
    if (a.question !== undefined && (a.vtype === undefined || a.value === undefined)) {
      ctx.addIssue({ code: "custom", path: ["vtype"], message: "a question needs vtype and value" });
    }
    if (a.question === undefined && (a.vtype !== undefined || a.value !== undefined)) {
      ctx.addIssue({ code: "custom", path: ["question"], message: "vtype and value need a question" });
    }
    if (Array.isArray(a.value) && a.vtype !== "multiselect") ctx.addIssue({ code: "custom", path: ["value"], message: "a list is only a value for vtype=multiselect" });
    const text = Array.isArray(a.value) ? a.value.join(", ") : String(a.value ?? "");
    if (text.includes("\n")) ctx.addIssue({ code: "custom", path: ["value"], message: "debconf values are one line" });
  });

type DebconfArgs = z.output<typeof DebconfArgs>;

/** The value as debconf-set-selections takes it: booleans as true/false, lists joined by ", ". */
export function debconfText(vtype: Vtype, value: DebconfArgs["value"]): string {
  const s = Array.isArray(value) ? value.join(", ") : String(value ?? "");
  return vtype === "boolean" || vtype === "seen" ? s.toLowerCase() : s;
}

/**
 * Whether the current answer is the wanted one, Ansible's way: booleans ignore case, a
 * multiselect given as a list compares as a set, anything else exactly. (Passwords are
 * compared on the host.)
 */
export function sameAnswer(vtype: Vtype, want: DebconfArgs["value"], current: string): boolean {
  if (vtype === "multiselect" && Array.isArray(want)) {
    const norm = (xs: string[]) => xs.map((x) => x.trim()).filter((x) => x !== "").sort();
    return JSON.stringify(norm(want)) === JSON.stringify(norm(current.split(",")));
  }
  if (vtype === "boolean" || vtype === "seen") return current.toLowerCase() === debconfText(vtype, want);
  return current === debconfText(vtype, want);
}

/** debconf-show's "* question: value" lines (the star: seen). */
export function parseDebconfShow(out: string): Record<string, string> {
  const answers: Record<string, string> = {};
  for (const line of out.split("\n")) {
    const colon = line.indexOf(":");
    if (colon < 0) continue;
    answers[line.slice(0, colon).replace(/^\*/, "").trim()] = line.slice(colon + 1).trim();
  }
  return answers;
}

export interface DebconfState {
  /** The question's answer: undefined when it does not exist; "same"/"differs" verdict for passwords. */
  current?: string;
  /** Without a question: the package's answers as debconf-show lists them. */
  all?: Record<string, string>;
}

const ENV = "export DEBIAN_FRONTEND=noninteractive";

/**
 * One question's answer through debconf-communicate (GET, or FGET ... seen for vtype=seen), as
 * "CODE\nVALUE". For a password, the wanted value comes on stdin and only "same" or "differs"
 * comes back.
 */
function readScript(pkg: string, question: string, vtype: Vtype): string {
  const cmd = vtype === "seen" ? `FGET ${question} seen` : `GET ${question}`;
  return `${ENV}
command -v debconf-communicate >/dev/null || { echo "debconf-communicate not found (is debconf installed?)" >&2; exit 127; }
${vtype === "password" ? "IFS= read -r want" : ":"}
out=$(printf '%s\\n' ${shellQuote(cmd)} | debconf-communicate ${shellQuote(pkg)}) ; rc=$?
[ -n "$out" ] || exit $(( rc == 0 ? 1 : rc ))
code=\${out%% *}; val=\${out#"$code"}; val=\${val# }
${vtype === "password" ? `[ "$code" = 0 ] && { [ "$val" = "$want" ] && val=same || val=differs; }` : ":"}
printf '%s\\n%s' "$code" "$val"`;
}

async function readAnswer(sh: RemoteShell, a: DebconfArgs & { question: string; vtype: Vtype }, wanted: string): Promise<string | undefined> {
  const r = await sh.run(readScript(a.name, a.question, a.vtype), a.vtype === "password" ? { stdin: `${wanted}\n` } : {});
  if (r.rc !== 0) throw new ModuleError(`cannot read debconf question ${a.question}: ${r.stderr.trim() || `rc ${r.rc}`}`, { rc: r.rc, stderr: r.stderr });
  const nl = r.stdout.indexOf("\n");
  const code = nl < 0 ? r.stdout : r.stdout.slice(0, nl);
  const value = nl < 0 ? "" : r.stdout.slice(nl + 1);
  if (code === "0") return value;
  if (code === "10") return undefined; // "question doesn't exist"
  throw new ModuleError(`cannot read debconf question ${a.question}: debconf-communicate answered ${code} ${a.vtype === "password" ? "" : value}`.trim());
}

function withQuestion(a: DebconfArgs): (DebconfArgs & { question: string; vtype: Vtype }) | undefined {
  return a.question !== undefined && a.vtype !== undefined ? { ...a, question: a.question, vtype: a.vtype } : undefined;
}

function isSame(a: DebconfArgs & { vtype: Vtype }, current: string | undefined): boolean {
  if (current === undefined) return false;
  if (a.vtype === "password") return current === "same";
  return sameAnswer(a.vtype, a.value, current);
}

/** An answer as results and diffs may show it. */
function shown(vtype: Vtype | undefined, v: string | undefined): string {
  if (v === undefined) return "";
  return vtype === "password" ? PASSWORD_OMITTED : v;
}

export interface DebconfResult {
  name: string;
  question?: string;
  /** The answers now (passwords omitted). */
  current: Record<string, string>;
  /** The answer before a change ("" when the question did not exist). */
  previous?: Record<string, string>;
}

export const debconf = defineModule({
  name: "debconf",
  args: DebconfArgs,
  doc: {
    summary: "A package's configuration question pre-seeded (debconf-set-selections), as Ansible's debconf; without question, the package's current answers read.",
    example: 'await h.debconf({ name: "tzdata", question: "tzdata/Areas", vtype: "select", value: "Europe" });',
    diff: 'The question\'s answer before and after (a password as "(password omitted)").',
  },
  async probe(ctx, args): Promise<DebconfState> {
    const q = withQuestion(args);
    if (q) {
      const current = await readAnswer(ctx.sh, q, debconfText(q.vtype, q.value));
      return current === undefined ? {} : { current };
    }
    const r = await ctx.sh.run(`${ENV}\ndebconf-show ${shellQuote(args.name)}`);
    if (r.rc !== 0) throw new ModuleError(`debconf-show ${args.name} failed: ${r.stderr.trim()}`, r);
    return { all: parseDebconfShow(r.stdout) };
  },
  diff(args, st): Change | undefined {
    const q = withQuestion(args);
    if (!q || isSame(q, st.current)) return undefined;
    const label = `${q.question} (${q.vtype})`;
    const want = q.vtype === "password" ? `${PASSWORD_OMITTED}, changed` : debconfText(q.vtype, q.value);
    const before = st.current === undefined ? "(not set)" : shown(q.vtype, st.current);
    return {
      summary: q.vtype === "password" ? `${q.question} (password)` : `${q.question}: ${before} -> ${want}`,
      diffs: [{ label: `debconf ${args.name}`, before: st.current === undefined ? "" : `${label}: ${before}\n`, after: `${label}: ${want}\n` }],
    };
  },
  async apply(ctx, args, st): Promise<DebconfResult> {
    const q = withQuestion(args);
    if (!q) throw new Error("debconf: nothing to apply without a question");
    const value = debconfText(q.vtype, q.value);
    // The selection (and so a password) goes through stdin only; read back to be sure debconf took it.
    const line = `${q.name} ${q.question} ${q.vtype} ${value}\n`;
    const r = await ctx.sh.run(`${ENV}\ndebconf-set-selections${q.unseen ? " -u" : ""}`, { stdin: line });
    const redact = (s: string) => (q.vtype === "password" && value !== "" ? s.split(value).join(PASSWORD_OMITTED) : s);
    if (r.rc !== 0) throw new ModuleError(`debconf-set-selections failed: ${redact(r.stderr.trim())}`, { rc: r.rc });
    const now = await readAnswer(ctx.sh, q, value);
    if (!isSame(q, now)) {
      throw new ModuleError(`debconf did not keep ${q.question}${q.vtype === "password" ? "" : ` = ${value} (it has ${now ?? "nothing"})`}${r.stderr.trim() ? `: ${redact(r.stderr.trim())}` : ""}`);
    }
    return { name: args.name, question: q.question, current: { [q.question]: shown(q.vtype, value) }, previous: { [q.question]: shown(q.vtype, st.current) } };
  },
  unchanged(args, st): DebconfResult {
    const q = withQuestion(args);
    if (!q) return { name: args.name, current: st.all ?? {} };
    return { name: args.name, question: q.question, current: st.current === undefined ? {} : { [q.question]: q.vtype === "password" ? PASSWORD_OMITTED : st.current } };
  },
});
