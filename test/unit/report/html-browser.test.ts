import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REDACTED } from "../../../src/secrets/redact.js";
import { DSL, STACK_TRACE, cli, scratchDir } from "../safety/cli-helpers.js";

// The --html page of a real converge (the CLI over the local connection: a changed file with a
// diff, a failed task, a secret in both) opened in a real headless browser, Debian's chromium:
// it loads with no request but its own file, shows the failure and the diff, has a bar per task,
// and holds no secret value.

/** Debian's chromium, or why it cannot be used. Under CI=true a missing browser fails the file. */
function chromiumOrSkip(): { path?: string; skip?: string } {
  const found = spawnSync("sh", ["-c", "command -v chromium"], { encoding: "utf8" });
  const path = found.status === 0 ? found.stdout.trim() : "";
  if (path !== "") return { path };
  const reason = "chromium is missing; as root, npm run lab -- prereqs --ansible installs it (npm test runs that first)";
  if (process.env.CI === "true") throw new Error(`CI=true but the HTML report's browser test cannot run: ${reason}`);
  console.warn(`HTML report browser test skipped: ${reason}`);
  return { skip: reason };
}

const browserFound = chromiumOrSkip();
const SECRET = "s3cret-Value-42";
const dir = scratchDir("html-browser");
const out = join(dir, "out");
const conf = join(out, "app.conf");

const SITE = `import { play, role, secret, site, z } from ${JSON.stringify(DSL)};
const app = role({
  name: "app",
  vars: z.object({ app_password: secret() }),
  async tasks(h, v) {
    await h.file({ path: ${JSON.stringify(out)}, state: "directory" });
    await h.copy({ dest: ${JSON.stringify(conf)}, content: \`user=app\\npassword=\${v.app_password}\\n\` });
    await h.shell({ cmd: \`echo "<script>alert(1)</script> cannot log in with \${v.app_password}" >&2; exit 3\` }, { name: "check the <script>alert(2)</script> database" });
  },
});
export default site({ plays: [play({ name: "app", hosts: "all", gatherFacts: false, roles: [app] })] });
`;

/** One converge: the file back as it was, then the site with --diff, the JSON report kept, and the page. */
async function converge() {
  mkdirSync(out, { recursive: true });
  writeFileSync(conf, "user=app\npassword=old-value\n");
  const r = await cli(dir, ["site.ts", "-i", "hosts.yml", "--no-typecheck", "--diff", "--json", join(out, "last.json"), "--keep-reports", "5", "--html", join(out, "report.html")]);
  expect(r.stdout + r.stderr).not.toMatch(STACK_TRACE);
  expect(r.code, r.stdout + r.stderr).toBe(2);
  return r;
}

describe.skipIf(browserFound.skip !== undefined)("the --html report in a headless browser", { timeout: 180_000 }, () => {
  let browser: Browser | undefined;

  beforeAll(async () => {
    writeFileSync(join(dir, "hosts.yml"), `all:\n  hosts:\n    localhost: { ansible_connection: local, app_password: ${JSON.stringify(SECRET)} }\n`);
    writeFileSync(join(dir, "site.ts"), SITE);
    // Two runs: the second page has the first in its drift history.
    await converge();
    await converge();
    // The sandbox needs user namespaces that root in a container may not have; the page is this run's own file.
    browser = await chromium.launch({ executablePath: browserFound.path, args: process.getuid?.() === 0 ? ["--no-sandbox"] : [] });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
  });

  it("loads with no request but its own file, runs no script, and shows the failure, the diff, a bar per task, and no secret", async () => {
    const file = join(out, "report.html");
    const url = pathToFileURL(file).href;
    const html = readFileSync(file, "utf8");
    expect(html).not.toContain(SECRET);

    if (browser === undefined) throw new Error("chromium did not start");
    const context = await browser.newContext();
    const page = await context.newPage();
    const requests: string[] = [];
    const dialogs: string[] = [];
    const refused: string[] = [];
    page.on("request", (r) => requests.push(r.url()));
    page.on("dialog", (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    page.on("console", (m) => refused.push(m.text()));
    // Anything but the page itself is recorded and refused: nothing leaves the machine.
    await context.route("**/*", (route) => (route.request().url() === url ? route.continue() : route.abort()));
    await page.goto(url, { waitUntil: "load" });

    expect(requests).toEqual([url]);
    expect(dialogs).toEqual([]);
    expect(refused).toEqual([]);

    const text = await page.locator("body").innerText();
    expect(text).not.toContain(SECRET);
    expect(await page.content()).not.toContain(SECRET);

    // The failed task and its message, its <script> as text.
    const failure = page.locator("#failures .failure");
    expect(await failure.count()).toBe(1);
    expect(await failure.isVisible()).toBe(true);
    const failureText = await failure.innerText();
    expect(failureText).toContain("check the <script>alert(2)</script> database");
    expect(failureText).toContain(`non-zero return code 3: <script>alert(1)</script> cannot log in with ${REDACTED}`);

    // The diff of the changed file, its secret masked and the changed line kept.
    const diff = page.locator("#changes pre.diff");
    expect(await diff.isVisible()).toBe(true);
    const diffText = await diff.innerText();
    expect(diffText).toContain("-password=old-value");
    expect(diffText).toContain(`+password=${REDACTED}`);

    // A bar per task of the run (the JSON report lists them), each drawn with a width.
    const report = JSON.parse(readFileSync(join(out, "last.json"), "utf8")) as { tasks: { task: string }[] };
    expect(report.tasks.map((t) => t.task)).toEqual([`file ${out}`, `copy ${conf}`, "check the <script>alert(2)</script> database"]);
    const bars = page.locator("#timeline .host-timeline .bar");
    expect(await bars.count()).toBe(report.tasks.length);
    for (const box of await Promise.all((await bars.all()).map((b) => b.boundingBox()))) expect(box?.width ?? 0).toBeGreaterThanOrEqual(1);
    expect(await page.locator("#timeline .row .label").allInnerTexts()).toEqual(report.tasks.map((t) => t.task));

    // Drift over time: the first run, kept in history/, and this one, each with its change.
    const drift = await page.locator("#drift table.drift tbody tr").allInnerTexts();
    expect(drift.map((r) => r.replace(/\s+/g, " ").trim())).toEqual(["localhost 1 1 2 of 2"]);
    await context.close();
  });
});
