import { existsSync, readFileSync } from "node:fs";
import { homedir, userInfo } from "node:os";
import { isAbsolute, join } from "node:path";

/** What ~/.ssh/config says about one host; every field is optional (unset in the file). */
export interface SshConfigHost {
  hostName?: string;
  user?: string;
  port?: number;
  identityFiles: string[];
  /** Jump hosts in order, as written (`user@host:port`), or none. */
  proxyJump: string[];
  userKnownHostsFiles: string[];
  strictHostKeyChecking?: string;
  connectTimeout?: number;
  serverAliveInterval?: number;
}

interface Block {
  patterns: string[];
  /** Patterns of the Host blocks enclosing the Include that read this block: all must match too. */
  within: string[][];
  options: [string, string][];
}

function globMatch(pattern: string, name: string): boolean {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  // Case-sensitive, as OpenSSH's match_pattern() for Host lines.
  return new RegExp(`^${body}$`).test(name);
}

/** ssh_config(5) Host matching, where a positive pattern must match and no negated one may. */
function hostMatches(patterns: readonly string[], name: string): boolean {
  let hit = false;
  for (const p of patterns) {
    if (p.startsWith("!")) {
      if (globMatch(p.slice(1), name)) return false;
    } else if (globMatch(p, name)) hit = true;
  }
  return hit;
}

function splitArgs(rest: string): string[] {
  const out: string[] = [];
  for (const m of rest.matchAll(/"([^"]*)"|(\S+)/g)) out.push(m[1] ?? m[2] ?? "");
  return out;
}

function parseBlocks(file: string, seen = new Set<string>(), within: string[][] = []): Block[] {
  if (seen.has(file) || !existsSync(file)) return [];
  seen.add(file);
  const blocks: Block[] = [{ patterns: ["*"], within, options: [] }];
  for (const raw of readFileSync(file, "utf8").split("\n")) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const m = /^(\S+?)(?:\s*=\s*|\s+)(.*)$/.exec(line);
    if (!m?.[1]) continue;
    const key = m[1].toLowerCase();
    const args = splitArgs(m[2] ?? "");
    if (key === "host") {
      blocks.push({ patterns: args, within, options: [] });
    } else if (key === "match") {
      // Match blocks need command execution and canonicalisation; their options are not applied.
      blocks.push({ patterns: [], within, options: [] });
    } else if (key === "include") {
      // As OpenSSH: the included file applies only where the enclosing block matches, and the
      // enclosing block resumes after the Include line.
      const current = blocks.at(-1) as Block;
      for (const inc of args) {
        const path = isAbsolute(inc) ? inc : join(homedir(), ".ssh", inc.replace(/^~\//, ""));
        const included = parseBlocks(inc.startsWith("~/") ? join(homedir(), inc.slice(2)) : path, seen, [...current.within, current.patterns]);
        blocks.push(...included);
      }
      blocks.push({ patterns: current.patterns, within: current.within, options: [] });
    } else {
      blocks.at(-1)?.options.push([key, args.join(" ")]);
    }
  }
  return blocks;
}

function expandTokens(value: string, host: string, hostName: string, user: string | undefined, port: number | undefined): string {
  const v = value.startsWith("~/") ? join(homedir(), value.slice(2)) : value;
  return v.replace(/%(.)/g, (all, c: string) => {
    switch (c) {
      case "%":
        return "%";
      case "h":
        return hostName;
      case "n":
        return host;
      case "p":
        return String(port ?? 22);
      case "r":
        return user ?? userInfo().username;
      case "u":
        return userInfo().username;
      case "d":
        return homedir();
      default:
        return all;
    }
  });
}

/**
 * Resolves ~/.ssh/config for one host with OpenSSH's rule: for each option the first value found
 * in matching blocks wins (IdentityFile and UserKnownHostsFile accumulate).
 */
export function resolveSshConfig(host: string, file = join(homedir(), ".ssh", "config")): SshConfigHost {
  const out: SshConfigHost = { identityFiles: [], proxyJump: [], userKnownHostsFiles: [] };
  const set = new Set<string>();
  const raw: [string, string][] = [];
  for (const b of parseBlocks(file)) {
    if (!hostMatches(b.patterns, host) || !b.within.every((p) => hostMatches(p, host))) continue;
    for (const [k, v] of b.options) {
      if (k === "identityfile") raw.push([k, v]);
      else if (!set.has(k)) {
        set.add(k);
        raw.push([k, v]);
      }
    }
  }
  for (const [k, v] of raw) {
    switch (k) {
      case "hostname":
        out.hostName = v;
        break;
      case "user":
        out.user = v;
        break;
      case "port":
        out.port = Number.parseInt(v, 10);
        break;
      case "proxyjump":
        out.proxyJump = v.toLowerCase() === "none" ? [] : v.split(",").map((s) => s.trim()).filter(Boolean);
        break;
      case "stricthostkeychecking":
        out.strictHostKeyChecking = v.toLowerCase();
        break;
      case "connecttimeout":
        out.connectTimeout = Number.parseInt(v, 10);
        break;
      case "serveraliveinterval":
        out.serverAliveInterval = Number.parseInt(v, 10);
        break;
      default:
        break;
    }
  }
  const hostName = out.hostName ? expandTokens(out.hostName, host, host, out.user, out.port) : host;
  if (out.hostName) out.hostName = hostName;
  for (const [k, v] of raw) {
    if (k === "identityfile") out.identityFiles.push(expandTokens(v, host, hostName, out.user, out.port));
    if (k === "userknownhostsfile") {
      out.userKnownHostsFiles.push(...v.split(/\s+/).map((f) => expandTokens(f, host, hostName, out.user, out.port)));
    }
  }
  return out;
}

/** `user@host:port` (a ProxyJump element) split into its parts. */
export function parseJumpSpec(spec: string): { user?: string; host: string; port?: number } {
  const at = spec.lastIndexOf("@");
  const user = at >= 0 ? spec.slice(0, at) : undefined;
  const rest = at >= 0 ? spec.slice(at + 1) : spec;
  const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(rest);
  const plain = /^([^:]+)(?::(\d+))?$/.exec(rest);
  const m = bracket ?? plain;
  const host = m?.[1] ?? rest;
  const port = m?.[2] ? Number(m[2]) : undefined;
  return { ...(user ? { user } : {}), host, ...(port ? { port } : {}) };
}
