import { z } from "zod";
import { shellJoin } from "../remote/quote.js";
import { type ModuleContext, ModuleError, defineReadModule } from "./contract.js";

// getent: a name-service database read with getent(1), as ansible.builtin.getent. Ansible sets
// the fact getent_<database>; here the result carries it under ansible_facts (the shape a
// registered getent result has in Ansible), and `do-converge import` turns the fact into an
// h.setFact() of getent_<database> after the task.

/** Ansible's str arguments take YAML integers too (a uid or a port as the key). */
const Str = z.union([z.string(), z.number().int()]).transform(String);

const GetentArgs = z.strictObject({
  database: z.string().min(1).regex(/^[A-Za-z0-9_.-]+$/, "a database name such as passwd, group, hosts, services").describe("The database: passwd, group, shadow, hosts, services, ..."),
  key: Str.optional().describe("The entry to look up; omitted: the whole database."),
  service: z.string().min(1).optional().describe("The NSS service to ask (getent -s), e.g. files."),
  split: z.string().min(1).optional().describe("The field separator; default ':' for passwd, shadow, group and gshadow, whitespace for the rest."),
  fail_key: z.boolean().default(true).describe("A missing key fails the task; false: it maps to null."),
});

type GetentArgs = z.output<typeof GetentArgs>;

/** One key's fields; a key listed several times maps to the list of each record's fields. */
export type GetentEntry = string[] | string[][] | null;

export interface GetentResult {
  /** { getent_<database>: { key: fields } }, the fact Ansible sets. */
  ansible_facts: Record<string, Record<string, GetentEntry>>;
  msg?: string;
}

const COLON_DATABASES = new Set(["passwd", "shadow", "group", "gshadow"]);

/** Python's str.splitlines boundaries. */
const LINE_BREAKS = /\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/;

/** getent's output as Ansible's getent module reads it into the fact's dict. */
export function parseGetent(out: string, split: string | undefined): Record<string, GetentEntry> {
  const lines = out.split(LINE_BREAKS);
  if (lines.at(-1) === "") lines.pop();
  const tree: Record<string, GetentEntry> = {};
  const seen = new Map<string, number>();
  for (const line of lines) {
    // split(None): runs of whitespace, none at either end.
    const record = split === undefined ? line.trim().split(/\s+/).filter((f) => f !== "") : line.split(split);
    const [first, ...fields] = record;
    if (first === undefined) continue;
    const count = seen.get(first) ?? 0;
    if (count === 0) tree[first] = fields;
    else {
      const prev = tree[first] as string[] | string[][];
      tree[first] = count === 1 ? [prev as string[], fields] : [...(prev as string[][]), fields];
    }
    seen.set(first, count + 1);
  }
  return tree;
}

function factName(args: GetentArgs): string {
  return `getent_${args.database}`;
}

async function lookup(ctx: ModuleContext, args: GetentArgs): Promise<GetentResult> {
  const argv = ["getent", args.database, ...(args.key !== undefined ? [args.key] : []), ...(args.service !== undefined ? ["-s", args.service] : [])];
  const r = await ctx.sh.run(shellJoin(argv));
  const split = args.split ?? (COLON_DATABASES.has(args.database) ? ":" : undefined);
  const fact = factName(args);
  switch (r.rc) {
    case 0:
      return { ansible_facts: { [fact]: parseGetent(r.stdout, split) } };
    case 1:
      throw new ModuleError(`getent ${args.database}: Missing arguments, or database unknown.`, r);
    case 2: {
      const msg = "One or more supplied key could not be found in the database.";
      if (args.fail_key || args.key === undefined) throw new ModuleError(`getent ${[args.database, ...(args.key !== undefined ? [args.key] : [])].join(" ")}: ${msg}`, r);
      return { ansible_facts: { [fact]: { [args.key]: null } }, msg };
    }
    case 3:
      throw new ModuleError(`getent ${args.database}: Enumeration not supported on this database.`, r);
    case 127:
      throw new ModuleError("getent is not installed on the host", r);
    default:
      throw new ModuleError(`getent ${args.database}: Unexpected failure! (rc ${r.rc}: ${r.stderr.trim()})`, r);
  }
}

export const getent = defineReadModule({
  name: "getent",
  doc: {
    summary: "Entries of a name-service database (passwd, group, hosts, services, ...) read with getent(1), under ansible_facts.getent_DATABASE as Ansible's getent sets them; changes nothing.",
    example: 'const r = await h.getent({ database: "passwd", key: "www-data" });',
  },
  // Name services (DNS, LDAP) answer with what other hosts' tasks may change.
  probeScope: "shared",
  args: GetentArgs,
  read: (ctx, args) => lookup(ctx, args),
});
