import type { AdversarialCase } from "../case.js";
import { DSL, LOCAL_INVENTORY, localSite, siteSource } from "../harness/site-source.js";

// The site's own TypeScript: syntax and type errors, unknown module arguments, the wrong thing
// exported, code that throws while it loads, files the loader cannot read.

const NT = "--no-typecheck";

const code = (id: string, files: Record<string, string | { symlink: string }>, message: RegExp, argv: readonly string[] = ["site.ts", NT]): AdversarialCase => ({
  id: `site-code/${id}`,
  kind: "config",
  files: { "hosts.yml": LOCAL_INVENTORY, ...files },
  argv,
  exit: 1,
  message,
});

/** A valid site with something inserted before its default export. */
const withPreamble = (preamble: string) => siteSource({ preamble });

const imports = `import { play, role, site } from ${JSON.stringify(DSL)};\n`;

export const siteCodeCases: AdversarialCase[] = [
  code("syntax-error", { "site.ts": `${withPreamble("const broken = {;")}` }, /site\.ts:\d+/),
  code("syntax-error-typechecked", { "site.ts": `${withPreamble("const broken = {;")}` }, /site\.ts:\d+:\d+/, ["site.ts"]),
  code("type-error", { "site.ts": withPreamble('const port: number = "eighty";\nvoid port;') }, /site\.ts:\d+:\d+/, ["site.ts"]),
  code(
    "unknown-module-argument",
    { "site.ts": siteSource({ tasks: 'await h.file({ path: "@@DIR@@/x", stat: "touch" });' }) },
    /site\.ts:\d+:\d+.*stat/s,
    ["site.ts"],
  ),
  code("unknown-module", { "site.ts": siteSource({ tasks: 'await h.flie({ path: "@@DIR@@/x" });' }) }, /site\.ts:\d+:\d+.*flie/s, ["site.ts"]),
  code(
    "role-vars-wrong-default-type",
    { "site.ts": withPreamble('const r = role({ name: "r", vars: z.object({ n: z.number().default("x") }), async tasks() {} });\nvoid r;') },
    /site\.ts:\d+:\d+/,
    ["site.ts"],
  ),
  code("no-default-export", { "site.ts": `${imports}export const s = 1;\nvoid play; void role; void site;\n` }, /site\.ts.*default export/),
  code("default-export-object", { "site.ts": `export default { plays: [] };\n` }, /site\.ts.*site\(/),
  code("default-export-function", { "site.ts": `export default async function () { return 1; }\n` }, /site\.ts.*site\(/),
  code(
    "default-export-a-play",
    { "site.ts": `${imports}export default play({ name: "p", hosts: "all", tasks: async () => {} });\nvoid role; void site;\n` },
    /site\.ts.*site\(/,
  ),
  code(
    "role-module-exports-wrong-thing",
    {
      "roles/app.ts": 'export default "app";\n',
      "site.ts": withPreamble('import appRole from "./roles/app.ts";').replace("roles: [sentinel]", "roles: [sentinel, appRole as never]"),
    },
    /site\.ts.*roles/,
  ),
  code("play-empty-hosts", { "site.ts": siteSource({ hosts: "" }) }, /site\.ts.*hosts/),
  code("play-bad-serial", { "site.ts": siteSource().replace("gatherFacts: false,", 'gatherFacts: false, serial: "lots" as never,') }, /site\.ts.*serial/),
  code("site-without-plays", { "site.ts": `${imports}export default site({ plays: [] });\nvoid play; void role;\n` }, /site\.ts.*plays/),
  code("site-unknown-key", { "site.ts": siteSource().replace("export default site({", 'export default site({ hosts: "all",') }, /site\.ts.*hosts/),
  code("throws-at-load", { "site.ts": withPreamble('throw new Error("site-load-boom");') }, /site\.ts.*site-load-boom/),
  code("type-error-at-load", { "site.ts": withPreamble("const nothing = undefined as unknown as { x: { y: number } };\nvoid nothing.x.y;") }, /site\.ts.*(undefined|reading 'y')/),
  code("top-level-await", { "site.ts": withPreamble('await Promise.resolve();') }, /site\.ts:\d+/),
  code("unhandled-rejection-at-load", { "site.ts": withPreamble('void Promise.reject(new Error("rejected-at-load"));') }, /site\.ts.*rejected-at-load|rejected-at-load.*site\.ts/),
  code("imports-missing-file", { "site.ts": withPreamble('import "./lib/nope.ts";') }, /site\.ts.*lib\/nope/),
  code("imports-missing-package", { "site.ts": withPreamble('import "no-such-package-adversarial";') }, /site\.ts.*no-such-package-adversarial/),
  code("site-file-missing", {}, /nope\.ts/, ["nope.ts", NT]),
  code("site-file-is-a-directory", { "sitedir.ts/.keep": "" }, /sitedir\.ts/, ["sitedir.ts", NT]),
  code("site-file-empty", { "site.ts": "" }, /site\.ts.*default export/),
  code("site-file-binary", { "site.ts": "\u0000\u0001\u0002ELF\u0000\u0000" }, /site\.ts/),
  // "Unreadable": the suite often runs as root, whom no file mode keeps out, so a dangling link it is.
  code("dangling-ts-symlink-under-site", { "site.ts": siteSource(), "roles/broken.ts": { symlink: "/nonexistent/adversarial/broken.ts" } }, /roles\/broken\.ts/),
  code("dangling-ts-symlink-typechecked", { "site.ts": siteSource(), "lib/broken.ts": { symlink: "/nonexistent/adversarial/broken.ts" } }, /lib\/broken\.ts/, ["site.ts"]),
  code("duplicate-role-name", { "site.ts": siteSource({ preamble: 'const a = role({ name: "sentinel", async tasks() {} });', roles: ["a"] }) }, /sentinel/),
];

/** Errors in the site's code that only show once the host runs it (--no-typecheck): a task failure. */
export const siteRuntimeCases: AdversarialCase[] = [
  {
    id: "site-code/unknown-argument-at-run-time",
    kind: "task",
    files: localSite({ tasks: 'await (h.file as (a: unknown) => Promise<unknown>)({ path: "@@DIR@@/x", stat: "touch" });' }),
    argv: ["site.ts", NT],
    exit: 2,
    message: /localhost.*invalid arguments.*stat/,
    note: "without the type-check the strict argument schema refuses it when the task runs",
  },
  {
    id: "site-code/missing-method-at-run-time",
    kind: "task",
    files: localSite({ tasks: "await (h as unknown as { flie(): Promise<void> }).flie();" }),
    argv: ["site.ts", NT],
    exit: 2,
    message: /localhost.*flie/,
  },
  {
    id: "site-code/notify-unknown-handler",
    kind: "task",
    files: localSite({ tasks: 'await h.file({ path: "@@DIR@@/n", state: "touch" }, { notify: "no such handler" });' }),
    argv: ["site.ts", NT],
    exit: 2,
    message: /no such handler/,
    mayChange: ["n"],
    note: "handlers are named in code at run time, so only the task that notifies can find the name unknown",
  },
];
