import type { AdversarialCase } from "../case.js";
import { localSite } from "../harness/site-source.js";
import { appSite } from "./vars.js";

// Inputs made to exhaust the control node: YAML alias bombs ("billion laughs"), files of 20 MB
// and 200k keys, deep nesting, huge -e arguments, a host range of a hundred million hosts. Each
// must be refused (or read) within 30 s and 1 GiB, with a clear message and no stack trace.
// The big ones end with a mistake on their last line, so that whether or not the reader copes
// with the size, the answer is a configuration error that names the file.

/** Nine levels of nine aliases: 9^9 (387 million) strings once expanded. */
function aliasBomb(): string {
  const names = "abcdefghi".split("");
  return names
    .map((n, i) => {
      const prev = names[i - 1];
      const items = prev === undefined ? Array(9).fill('"lol"') : Array(9).fill(`*${prev}`);
      return `${n}: &${n} [${items.join(", ")}]`;
    })
    .join("\n")
    .concat("\n");
}

/** The same bomb as one flow mapping, for an inline -e. */
const inlineBomb = `{${aliasBomb().trim().split("\n").join(", ")}}`;

/** 200k keys of ~100 bytes (20 MB); the last line sets app_port to a word (the role wants a number). */
const hugeVars = `app_name: demo\n${Array.from({ length: 200_000 }, (_, i) => `key_${i}: ${"v".repeat(90)}\n`).join("")}app_port: eighty\n`;

/** One 20 MB string value, then a schema error. */
const longValue = `app_name: demo\nblob: ${"x".repeat(20 * 1024 * 1024)}\napp_port: eighty\n`;

/** 100k levels of nested flow sequences, never closed. */
const deepNesting = `app_name: demo\ndeep: ${"[".repeat(100_000)}\n`;

const hostile = (id: string, files: Record<string, string>, argv: readonly string[], message: RegExp): AdversarialCase => ({
  id: `hostile/${id}`,
  kind: "config",
  hostile: true,
  files: appSite(files),
  argv: ["site.ts", "--no-typecheck", ...argv],
  exit: 1,
  message,
});

export const hostileCases: AdversarialCase[] = [
  hostile("alias-bomb-group-vars", { "group_vars/all.yml": `app_name: demo\n${aliasBomb()}` }, [], /group_vars\/all\.yml/),
  hostile("alias-bomb-host-vars", { "group_vars/all.yml": "app_name: demo\n", "host_vars/localhost.yml": aliasBomb() }, [], /host_vars\/localhost\.yml/),
  hostile("alias-bomb-extra-vars-file", { "group_vars/all.yml": "app_name: demo\n", "bomb.yml": aliasBomb() }, ["-e", "@bomb.yml"], /bomb\.yml/),
  hostile("alias-bomb-inline-extra-vars", { "group_vars/all.yml": "app_name: demo\n" }, ["-e", inlineBomb], /--extra-vars/),
  hostile("alias-bomb-inventory", { "group_vars/all.yml": "app_name: demo\n", "bomb-inv.yml": `all:\n  vars:\n${aliasBomb().trimEnd().replace(/^/gm, "    ")}\n  hosts:\n    localhost: { ansible_connection: local }\n` }, ["-i", "bomb-inv.yml"], /bomb-inv\.yml/),
  hostile("200k-keys-20mb-group-vars", { "group_vars/all.yml": hugeVars }, [], /app_port.*group_vars\/all\.yml:200002/),
  hostile("20mb-value-group-vars", { "group_vars/all.yml": longValue }, [], /app_port.*group_vars\/all\.yml:3/),
  hostile("200k-keys-extra-vars-file", { "big.yml": hugeVars }, ["-e", "@big.yml"], /app_port.*(big\.yml|--extra-vars)/),
  hostile("deep-nesting-group-vars", { "group_vars/all.yml": deepNesting }, [], /group_vars\/all\.yml/),
  hostile("deep-nesting-inline-extra-vars", { "group_vars/all.yml": "app_name: demo\n" }, ["-e", `{"deep": ${"[".repeat(60_000)}}`], /--extra-vars/),
  hostile("huge-extra-vars-value", { "group_vars/all.yml": "app_name: demo\n" }, ["-e", `app_port=${"9".repeat(120_000)}`], /app_port.*--extra-vars/),
  hostile(
    "many-extra-vars-pairs",
    { "group_vars/all.yml": "app_name: demo\n" },
    ["-e", Array.from({ length: 12_000 }, (_, i) => `k${i}=v`).join(" "), "-e", "app_workers=many"],
    /app_workers.*--extra-vars/,
  ),
  {
    id: "hostile/host-range-hundred-million",
    kind: "config",
    hostile: true,
    files: { ...localSite(), "range.yml": 'all:\n  hosts:\n    "web[0:99999999]": {}\n' },
    argv: ["site.ts", "--no-typecheck", "-i", "range.yml"],
    exit: 1,
    message: /range\.yml:3/,
  },
  {
    id: "hostile/200k-hosts-inventory",
    kind: "config",
    hostile: true,
    files: {
      ...localSite(),
      "many.yml": `all:\n  hosts:\n${Array.from({ length: 200_000 }, (_, i) => `    h${i}: { ansible_connection: local }\n`).join("")}    bad: { ansible_port: ssh }\n`,
    },
    argv: ["site.ts", "--no-typecheck", "-i", "many.yml", "--limit", "h1"],
    exit: 1,
    message: /ansible_port.*many\.yml:200003|many\.yml:200003.*ansible_port/,
  },
  {
    id: "hostile/20mb-single-line-inventory",
    kind: "config",
    hostile: true,
    files: { ...localSite(), "line.yml": "x".repeat(20 * 1024 * 1024) },
    argv: ["site.ts", "--no-typecheck", "-i", "line.yml"],
    exit: 1,
    message: /line\.yml/,
  },
  {
    id: "hostile/template-deep-nesting",
    kind: "config",
    hostile: true,
    files: {
      ...localSite({ preamble: 'const web = role({ name: "web", async tasks(h) { await h.template({ src: "deep.j2", dest: "@@DIR@@/deep.out" }); } });', roles: ["web"] }),
      "roles/web/templates/deep.j2": `${"{% if true %}".repeat(20_000)}{{ undefined_deep }}${"{% endif %}".repeat(20_000)}\n`,
    },
    argv: ["site.ts", "--no-typecheck"],
    exit: 1,
    message: /deep\.j2/,
  },
  {
    id: "hostile/template-render-alias-bomb-vars",
    kind: "config",
    hostile: true,
    files: { "t.j2": "{{ a }}\n", "bomb.yml": aliasBomb() },
    argv: ["template", "render", "t.j2", "--vars", "bomb.yml"],
    exit: 1,
    message: /bomb\.yml/,
  },
];
