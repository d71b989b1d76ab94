import { setTimeout as sleep } from "node:timers/promises";
import { z } from "zod";
import { pySearch } from "../python/regex.js";
import { shellQuote } from "../remote/quote.js";
import type { RemoteShell } from "../remote/shell.js";
import { asFileText, decodeText } from "../remote/text-file.js";
import { AbsPath, regexArg } from "./args.js";
import { ModuleError, defineReadModule } from "./contract.js";

// wait_for: waits on the host for a TCP port to open or close, or a file to appear (with some
// text in it) or go, as Ansible's. Read-only: it runs in check mode too and never changes
// anything. The waiting loop runs here, one cheap round trip per poll, so a wait costs no
// long-running command on the host and the timeout is measured in one place.

const Seconds = z.number().nonnegative();

const WaitArgs = z
  .strictObject({
    host: z
      .string()
      .regex(/^[A-Za-z0-9._:-]+$/, "a host name or address")
      .default("127.0.0.1")
      .describe("Where the host connects to, for port: the host itself by default."),
    port: z.number().int().min(1).max(65535).optional().describe("A TCP port to wait for. Not with path."),
    path: AbsPath.optional().describe("A file to wait for. Not with port."),
    state: z
      .enum(["started", "stopped", "present", "absent"])
      .default("started")
      .describe("started/present: the port open, or the path there (containing search_regex); stopped: the port closed; absent: the path gone."),
    search_regex: z.string().optional().describe("A Python regular expression (multiline) to find in the file, or in what the port sends first (a banner)."),
    timeout: Seconds.default(300).describe("Seconds to wait in all (delay included) before the task fails."),
    delay: Seconds.default(0).describe("Seconds before the first check."),
    sleep: z.number().positive().default(1).describe("Seconds between checks."),
    connect_timeout: z.number().positive().default(5).describe("Seconds one connection attempt may take."),
    msg: z.string().optional().describe("The failure message instead of the default one."),
  })
  .superRefine((a, ctx) => {
    if (a.port !== undefined && a.path !== undefined) ctx.addIssue({ code: "custom", path: ["path"], message: "port and path are mutually exclusive" });
    if (a.path !== undefined && a.state === "stopped") ctx.addIssue({ code: "custom", path: ["state"], message: "state=stopped is for ports; use state=absent for a path" });
    if (a.search_regex !== undefined && (a.state === "stopped" || a.state === "absent")) {
      ctx.addIssue({ code: "custom", path: ["search_regex"], message: "search_regex only applies to state=started/present" });
    }
    if (a.search_regex !== undefined && a.port === undefined && a.path === undefined) ctx.addIssue({ code: "custom", path: ["search_regex"], message: "search_regex needs a port or a path" });
    if (a.search_regex !== undefined) {
      try {
        regexArg(a.search_regex, "search_regex", { multiline: true });
      } catch (err) {
        ctx.addIssue({ code: "custom", path: ["search_regex"], message: err instanceof Error ? err.message : String(err) });
      }
    }
  });

type WaitArgs = z.output<typeof WaitArgs>;

export interface WaitResult {
  /** Seconds waited, delay included. */
  elapsed: number;
  state: WaitArgs["state"];
  port?: number;
  path?: string;
  search_regex?: string;
  /** search_regex's groups (null when a group did not take part), as Ansible's match_groups. */
  match_groups: (string | null)[];
  match_groupdict: Record<string, string | null>;
}

/** Bytes of a banner or a file searched per check; a larger file is searched in its last part. */
const SEARCH_BYTES = 4 * 1024 * 1024;
const BANNER_BYTES = 64 * 1024;

/** bash (Essential on Debian) has /dev/tcp; /bin/sh (dash) has not. */
function connectScript(host: string, port: number, seconds: number): string {
  return `timeout ${seconds} bash -c 'exec 3<>"/dev/tcp/$0/$1"' ${shellQuote(host)} ${port} 2>/dev/null && echo open || echo closed`;
}

/** Connects, then prints what the peer sends until it closes or is quiet for a second (base64, after "connected"). */
function bannerScript(host: string, port: number, seconds: number): string {
  const read = `exec 3<>"/dev/tcp/$0/$1" || exit 1; echo connected; while IFS= read -r -t 1 -u 3 l; do printf "%s\\n" "$l"; done; printf "%s" "$l"`;
  return `timeout ${seconds} bash -c '${read}' ${shellQuote(host)} ${port} 2>/dev/null | head -c ${BANNER_BYTES} | base64 -w0`;
}

function fileScript(path: string, search: boolean): string {
  const p = shellQuote(path);
  if (!search) return `[ -e ${p} ] && echo present || echo absent`;
  return `if [ -e ${p} ]; then echo present; tail -c ${SEARCH_BYTES} ${p} 2>/dev/null | base64 -w0; else echo absent; fi`;
}

interface Check {
  done: boolean;
  match?: RegExpExecArray;
}

function searchIn(buf: Buffer, pattern: string): RegExpExecArray | undefined {
  const { text, encoding } = decodeText(buf);
  return pySearch(regexArg(asFileText(pattern, encoding), "search_regex", { multiline: true }), text) ?? undefined;
}

async function checkOnce(sh: RemoteShell, a: WaitArgs, remaining: number): Promise<Check> {
  const started = a.state === "started" || a.state === "present";
  const connectSeconds = Math.max(1, Math.min(a.connect_timeout, remaining));
  if (a.port !== undefined) {
    if (started && a.search_regex !== undefined) {
      const r = await sh.run(bannerScript(a.host, a.port, Math.max(1, Math.ceil(remaining))));
      const data = Buffer.from(r.stdout.trim(), "base64");
      const hello = Buffer.from("connected\n");
      if (!data.subarray(0, hello.length).equals(hello)) return { done: false };
      const m = searchIn(data.subarray(hello.length), a.search_regex);
      return m ? { done: true, match: m } : { done: false };
    }
    const r = await sh.run(connectScript(a.host, a.port, connectSeconds));
    const open = r.stdout.trim() === "open";
    return { done: started ? open : !open };
  }
  if (a.path !== undefined) {
    const search = started && a.search_regex !== undefined;
    const r = await sh.run(fileScript(a.path, search));
    const [state = "", b64 = ""] = r.stdout.split("\n");
    if (!started) return { done: state === "absent" };
    if (state !== "present") return { done: false };
    if (!search || a.search_regex === undefined) return { done: true };
    const m = searchIn(Buffer.from(b64, "base64"), a.search_regex);
    return m ? { done: true, match: m } : { done: false };
  }
  return { done: true };
}

/** Ansible's messages, so that output and failed_when on msg read the same. */
function timeoutMessage(a: WaitArgs): string {
  const started = a.state === "started" || a.state === "present";
  if (a.port !== undefined) {
    if (!started) return `Timeout when waiting for ${a.host}:${a.port} to stop.`;
    if (a.search_regex !== undefined) return `Timeout when waiting for search string ${a.search_regex} in ${a.host}:${a.port}`;
    return `Timeout when waiting for ${a.host}:${a.port}`;
  }
  if (!started) return `Timeout when waiting for ${a.path} to be absent.`;
  if (a.search_regex !== undefined) return `Timeout when waiting for search string ${a.search_regex} in ${a.path}`;
  return `Timeout when waiting for file ${a.path}`;
}

export const wait_for = defineReadModule({
  name: "wait_for",
  doc: {
    summary: "Waits until a TCP port opens or closes, or a file appears (with some text in it) or goes, on the host; fails after timeout seconds. With neither port nor path it sleeps for timeout seconds. Never a change.",
    example: 'await h.wait_for({ port: 3306, timeout: 60 });',
  },
  // It waits for the host to change.
  probeScope: "live",
  args: WaitArgs,
  async read(ctx, a): Promise<WaitResult> {
    const start = Date.now();
    const end = start + a.timeout * 1000;
    if (a.delay > 0) await sleep(a.delay * 1000);
    const result = (m?: RegExpExecArray): WaitResult => ({
      elapsed: Math.floor((Date.now() - start) / 1000),
      state: a.state,
      ...(a.port !== undefined ? { port: a.port } : {}),
      ...(a.path !== undefined ? { path: a.path } : {}),
      ...(a.search_regex !== undefined ? { search_regex: a.search_regex } : {}),
      match_groups: m ? m.slice(1).map((g) => g ?? null) : [],
      match_groupdict: m?.groups ? Object.fromEntries(Object.entries(m.groups).map(([k, v]) => [k, v ?? null])) : {},
    });
    if (a.port === undefined && a.path === undefined) {
      // Nothing to watch: Ansible then just sleeps for timeout seconds.
      await sleep(Math.max(0, end - Date.now()));
      return result();
    }
    for (;;) {
      const c = await checkOnce(ctx.sh, a, Math.max(0, (end - Date.now()) / 1000));
      if (c.done) return result(c.match);
      const left = end - Date.now();
      if (left <= 0) {
        const waited = Math.round((Date.now() - start) / 1000);
        throw new ModuleError(a.msg ?? `${timeoutMessage(a)} (gave up after ${waited} s)`);
      }
      await sleep(Math.min(a.sleep * 1000, left));
    }
  },
});
