// A site's own module: one ufw rule, present or absent. List it where the code that calls it is
// (`role({ modules: [ufwRule], ... })`), then `await h.ufw_rule({ port: 22, proto: "tcp" })`.
// The guide docs/guides/writing-modules.md walks through it.
import { ModuleError, defineModule, shellJoin, z } from "do-converge/module";

/** Four decimal octets, 0 to 255, without leading zeros. */
function isIPv4(s: string): boolean {
  return /^(0|[1-9]\d{0,2})(\.(0|[1-9]\d{0,2})){3}$/.test(s) && s.split(".").every((octet) => Number(octet) <= 255);
}

/** "any", an IPv4 address, or an IPv4 network written as ufw lists it (10.0.0.0/8); else what is wrong. */
export function sourceProblem(from: string): string | undefined {
  if (from === "any") return undefined;
  const [address = "", bits, ...rest] = from.split("/");
  if (!isIPv4(address) || rest.length > 0) return "an IPv4 address or network (10.0.0.0/8), or any";
  if (bits === undefined) return undefined;
  const prefix = /^\d+$/.test(bits) ? Number(bits) : -1;
  // ufw lists a /32 by its address alone, and 0.0.0.0/0 like a rule from anywhere: neither would match its listing.
  if (prefix < 1 || prefix > 31) return "a prefix length from 1 to 31 (an address alone for /32, any for /0)";
  const value = address.split(".").reduce((n, octet) => n * 256 + Number(octet), 0);
  const size = 2 ** (32 - prefix);
  if (value % size === 0) return undefined;
  const network = value - (value % size);
  const dotted = [24, 16, 8, 0].map((shift) => Math.floor(network / 2 ** shift) % 256).join(".");
  return `host bits set: ufw lists this network as ${dotted}/${prefix}; write that`;
}

const Args = z.object({
  port: z.number().int().min(1).max(65535).describe("The destination port on this host."),
  proto: z.enum(["tcp", "udp", "any"]).default("any").describe("The protocol; any: both."),
  from: z
    .string()
    .default("any")
    .superRefine((from, ctx) => {
      const problem = sourceProblem(from);
      if (problem !== undefined) ctx.addIssue({ code: "custom", message: problem });
    })
    .describe("Where the traffic comes from: an IPv4 address or network, or any."),
  rule: z.enum(["allow", "deny", "reject", "limit"]).default("allow").describe("What ufw does with the traffic."),
  state: z.enum(["present", "absent"]).default("present").describe("present: the rule is added; absent: it is deleted."),
});
type UfwArgs = z.output<typeof Args>;

/** The rule as ufw's command takes it, which is also how `ufw show added` lists it. */
export function ruleWords(a: UfwArgs): string[] {
  if (a.from === "any") return [a.rule, a.proto === "any" ? String(a.port) : `${a.port}/${a.proto}`];
  return [a.rule, "from", a.from, "to", "any", "port", String(a.port), ...(a.proto === "any" ? [] : ["proto", a.proto])];
}

/** What the probe read: whether ufw is there, and the rules it has (as `ufw show added` lists them). */
interface UfwState {
  installed: boolean;
  rules: string[];
}

/** `ufw show added`'s rules, one line each ("ufw allow 22/tcp"), without its heading and "(None)". */
export function parseAdded(stdout: string): string[] {
  return stdout.split("\n").filter((line) => line.startsWith("ufw "));
}

export const ufwRule = defineModule({
  name: "ufw_rule",
  args: Args,
  doc: {
    summary: "One ufw rule (allow, deny, reject or limit a port from a source), added or deleted; whether ufw is enabled is left alone.",
    example: 'await h.ufw_rule({ port: 3306, proto: "tcp", from: "10.77.0.0/24" });',
    diff: "The rules ufw has (`ufw show added`) before and after: the rule's line added or removed.",
  },
  // Reads only this host's rules: with the fast path, answered from the play's snapshot.
  probeScope: "host",
  async probe(ctx): Promise<UfwState> {
    // Only reads: `ufw show added` lists the rules of /etc/ufw/user*.rules, enabled or not.
    const r = await ctx.sh.run("command -v ufw >/dev/null || exit 127; ufw show added");
    if (r.rc === 127) return { installed: false, rules: [] };
    if (r.rc !== 0) throw new ModuleError(`ufw show added failed (become root?): ${r.stderr.trim() || r.stdout.trim()}`, r);
    return { installed: true, rules: parseAdded(r.stdout) };
  },
  diff(args, state) {
    const line = `ufw ${ruleWords(args).join(" ")}`;
    const has = state.rules.includes(line);
    if (has === (args.state === "present")) return undefined;
    const after = has ? state.rules.filter((r) => r !== line) : [...state.rules, line];
    const text = (rules: string[]) => rules.map((r) => `${r}\n`).join("");
    return {
      summary: `${has ? "delete" : "add"} ${line}`,
      diffs: [{ label: "ufw show added", before: text(state.rules), after: text(after) }],
    };
  },
  async apply(ctx, args, state) {
    // A host where ufw is not installed yet: --check says what would be added; a run must install it first.
    if (!state.installed) throw new ModuleError("ufw is not installed: install it before this task (h.apt({ name: \"ufw\" }))");
    const words = ruleWords(args);
    const r = await ctx.sh.run(shellJoin(["ufw", ...(args.state === "absent" ? ["delete"] : []), ...words]));
    if (r.rc !== 0) throw new ModuleError(`ufw ${words.join(" ")}: ${r.stderr.trim() || r.stdout.trim()}`, r);
    const after = await ctx.sh.run("ufw show added");
    return { rule: `ufw ${words.join(" ")}`, rules: parseAdded(after.stdout) };
  },
  unchanged: (args, state) => ({ rule: `ufw ${ruleWords(args).join(" ")}`, rules: state.rules }),
});
