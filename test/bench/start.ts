// `npm run bench:start [-- --runs 15 --cold-runs 3 --profile DIR --baseline DIR]`: how long the
// installed command (bin/do-converge.js, the built dist/) takes from process spawn to its first SSH
// byte. No lab: the scratch site's one host points at a TCP listener on 127.0.0.1 started here,
// which notes when the client's identification line ("SSH-2.0-…") arrives; the CLI is killed then.
// A benchmark, not a test: it prints medians and asserts nothing. Floors beside it: `node -e ''`,
// `--version` and `--help` (spawn to exit). "warm" runs find the site's type-check cached (an
// unchanged site, the usual run); "cold" runs each get an empty cache, so they type-check the site
// first. --profile DIR writes a CPU profile (node --cpu-prof) of one warm run, to read what the
// start-up spends its time on (the run then goes on to its retries and ends by itself).
// --baseline DIR (repeatable) measures other built checkouts of do-converge too (another commit:
// `git archive REV | tar -x -C DIR`, node_modules linked, `npx tsc -p tsconfig.build.json`), their
// runs alternating with this one's, so that a busy machine weighs on all of them alike.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { type AddressInfo, createServer } from "node:net";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import ssh2 from "ssh2";

const { values: args } = parseArgs({
  options: {
    runs: { type: "string", default: "15" },
    "cold-runs": { type: "string", default: "3" },
    profile: { type: "string" },
    baseline: { type: "string", multiple: true, default: [] },
  },
});
const checkouts = [new URL("../..", import.meta.url).pathname, ...(args.baseline ?? [])].map((d) => resolve(d));
const runs = Number(args.runs);
const coldRuns = Number(args["cold-runs"]);
const log = (s: string) => process.stderr.write(`bench:start: ${s}\n`);

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};
const ms = (ns: bigint) => Number(ns) / 1e6;

interface Arrival {
  firstByte: bigint;
  line: string;
}

/** The listener the scratch host points at: tells when a connection's first bytes came, and hangs up. */
class FirstByte {
  private waiting: ((at: Arrival) => void) | undefined;
  readonly server = createServer((socket) => {
    socket.once("data", (d: Buffer) => {
      const firstByte = process.hrtime.bigint();
      this.waiting?.({ firstByte, line: d.toString("latin1").split("\r\n")[0] ?? "" });
      this.waiting = undefined;
      socket.destroy();
    });
    socket.on("error", () => undefined);
  });

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    return (this.server.address() as AddressInfo).port;
  }

  next(): Promise<Arrival> {
    return new Promise((resolve) => (this.waiting = resolve));
  }
}

/** A checkout to measure: its CLI, and a site with one host on the listener beside a node_modules/do-converge that is it. */
interface Target {
  checkout: string;
  bin: string;
  dir: string;
  site: string;
}

function scratchSite(checkout: string, port: number): Target {
  const dir = mkdtempSync(join(tmpdir(), "dcv-start-"));
  mkdirSync(join(dir, "node_modules"));
  symlinkSync(checkout, join(dir, "node_modules", "do-converge"));
  writeFileSync(join(dir, "package.json"), `${JSON.stringify({ type: "module", private: true })}\n`);
  const key = join(dir, "id_ed25519");
  writeFileSync(key, ssh2.utils.generateKeyPairSync("ed25519").private, { mode: 0o600 });
  writeFileSync(
    join(dir, "inventory.yml"),
    ["all:", "  hosts:", "    h1:", "      ansible_host: 127.0.0.1", `      ansible_port: ${port}`, `      ansible_ssh_private_key_file: ${key}`, ""].join("\n"),
  );
  const site = join(dir, "site.ts");
  writeFileSync(
    site,
    [
      'import { play, site } from "do-converge";',
      "",
      "export default site({",
      '  inventory: ["inventory.yml"],',
      "  plays: [",
      "    play({",
      '      name: "start",',
      '      hosts: "all",',
      "      gatherFacts: false,",
      "      tasks: async (h) => {",
      '        await h.file({ path: "/srv/start", state: "directory", mode: "0755" });',
      '        await h.template({ src: "motd.j2", dest: "/etc/motd", mode: "0644" });',
      "      },",
      "    }),",
      "  ],",
      "});",
      "",
    ].join("\n"),
  );
  mkdirSync(join(dir, "templates"));
  writeFileSync(join(dir, "templates", "motd.j2"), "{{ inventory_hostname }}\n");
  return { checkout, bin: join(checkout, "bin/do-converge.js"), dir, site };
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve(code));
  });
}

/** Spawn to exit, in ms. */
async function wholeRun(argv: string[]): Promise<number> {
  const started = process.hrtime.bigint();
  const code = await exited(spawn(process.execPath, argv, { stdio: "ignore" }));
  if (code !== 0) throw new Error(`node ${argv.join(" ")} exited ${code}`);
  return ms(process.hrtime.bigint() - started);
}

/** Spawn to the listener's first byte (the client's identification line), in ms; the CLI is killed then. */
async function toFirstByte(listener: FirstByte, t: Target, cache: string, node: string[] = []): Promise<number> {
  const arrived = listener.next();
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, [...node, t.bin, t.site], { cwd: t.dir, env: { ...process.env, XDG_CACHE_HOME: cache, NO_COLOR: "1" } });
  let output = "";
  child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
  const end = exited(child);
  const first = await Promise.race([arrived, end.then((code) => new Error(`${t.bin} exited ${code} before connecting:\n${output.slice(-3000)}`))]);
  if (first instanceof Error) throw first;
  if (!first.line.startsWith("SSH-2.0-")) throw new Error(`the first bytes are not an SSH identification: ${JSON.stringify(first.line)}`);
  // A profiled run must end by itself to write its profile: the listener hangs up, it gives up.
  if (node.length === 0) child.kill("SIGKILL");
  await end;
  return ms(first.firstByte - started);
}

async function main(): Promise<void> {
  const listener = new FirstByte();
  const port = await listener.listen();
  const targets: (Target & Record<"floor" | "version" | "help" | "warm" | "cold", number[]>)[] = [];
  const warmCache = (t: Target) => join(t.dir, "cache-warm");
  try {
    for (const c of checkouts) targets.push({ ...scratchSite(c, port), floor: [], version: [], help: [], warm: [], cold: [] });
    // The first run of each fills its warm cache (the site type-checks), untimed.
    for (const t of targets) await toFirstByte(listener, t, warmCache(t));
    for (let i = 0; i < runs; i++) {
      for (const t of targets) {
        t.floor.push(await wholeRun(["-e", ""]));
        t.version.push(await wholeRun([t.bin, "--version"]));
        t.help.push(await wholeRun([t.bin, "--help"]));
        t.warm.push(await toFirstByte(listener, t, warmCache(t)));
      }
    }
    for (let i = 0; i < coldRuns; i++) for (const t of targets) t.cold.push(await toFirstByte(listener, t, join(t.dir, `cache-cold-${i}`)));
    if (args.profile) {
      for (const [n, t] of targets.entries()) {
        const dir = join(args.profile, String(n));
        mkdirSync(dir, { recursive: true });
        await toFirstByte(listener, t, warmCache(t), ["--cpu-prof", `--cpu-prof-dir=${dir}`]);
        log(`CPU profile of a warm run of ${t.checkout} written to ${dir}`);
      }
    }
    const f = (xs: number[]) => `${median(xs).toFixed(0)} ms`;
    const [l1, l5] = loadavg();
    console.log(`${new Date().toISOString()}, Node.js ${process.version}, load average ${l1?.toFixed(2)} ${l5?.toFixed(2)} (at the end), medians of ${runs} runs (cold: ${coldRuns})`);
    for (const m of targets) {
      console.log(m.checkout);
      console.log(`  node -e '':            ${f(m.floor)} (spawn to exit)`);
      console.log(`  do-converge --version: ${f(m.version)}`);
      console.log(`  do-converge --help:    ${f(m.help)}`);
      console.log(`  site.ts, warm cache:   ${f(m.warm)} to the first SSH byte`);
      if (m.cold.length > 0) console.log(`  site.ts, cold cache:   ${f(m.cold)} to the first SSH byte (the site type-checked first)`);
    }
  } finally {
    listener.server.close();
    for (const t of targets) rmSync(t.dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  log(`error: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
