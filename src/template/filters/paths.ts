import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { FilterError } from "../errors.js";
import { tuple } from "../values/tagged.js";
import { text } from "./args.js";
import { defineFilter, type FilterTable } from "./registry.js";

// Path filters with Python's posixpath semantics (Ansible's basename, dirname, expanduser,
// splitext, path_join, normpath); string operations, but for expanduser's ~user (passwd).

export function basename(p: string): string {
  return p.slice(p.lastIndexOf("/") + 1);
}

export function dirname(p: string): string {
  const i = p.lastIndexOf("/") + 1;
  let head = p.slice(0, i);
  if (head !== "" && head !== "/".repeat(head.length)) head = head.replace(/\/+$/, "");
  return head;
}

function splitext(p: string): [string, string] {
  const sep = p.lastIndexOf("/");
  const dot = p.lastIndexOf(".");
  if (dot > sep) {
    let filenameIndex = sep + 1;
    while (filenameIndex < dot) {
      if (p[filenameIndex] !== ".") return [p.slice(0, dot), p.slice(dot)];
      filenameIndex++;
    }
  }
  return [p, ""];
}

function join(parts: readonly string[]): string {
  let out = parts[0] ?? "";
  for (const part of parts.slice(1)) {
    if (part.startsWith("/")) out = part;
    else if (out === "" || out.endsWith("/")) out += part;
    else out += `/${part}`;
  }
  return out;
}

export function normpath(p: string): string {
  if (p === "") return ".";
  const initial = p.startsWith("/") ? (p.startsWith("//") && !p.startsWith("///") ? 2 : 1) : 0;
  const out: string[] = [];
  for (const comp of p.split("/")) {
    if (comp === "" || comp === ".") continue;
    if (comp !== ".." || (initial === 0 && out.length === 0) || (out.length > 0 && out[out.length - 1] === "..")) out.push(comp);
    else if (out.length > 0) out.pop();
  }
  const joined = "/".repeat(initial) + out.join("/");
  return joined === "" ? "." : joined;
}

function passwdHome(user: string): string | undefined {
  let passwd: string;
  try {
    passwd = readFileSync("/etc/passwd", "utf8");
  } catch {
    return undefined;
  }
  const entry = passwd.split("\n").find((line) => line.split(":")[0] === user);
  return entry?.split(":")[5];
}

function expanduser(p: string): string {
  if (!p.startsWith("~")) return p;
  const slash = p.indexOf("/", 1);
  const end = slash < 0 ? p.length : slash;
  // ~user: that user's home from the controller's passwd file, as Python's pwd.getpwnam does.
  const home = end === 1 ? (process.env.HOME ?? homedir()) : passwdHome(p.slice(1, end));
  if (home === undefined) return p;
  return (home.replace(/\/+$/, "") || "/") + p.slice(end);
}

export const pathFilters: FilterTable = {
  basename: defineFilter([], (v) => basename(text(v))),
  dirname: defineFilter([], (v) => dirname(text(v))),
  expanduser: defineFilter([], (v) => expanduser(text(v))),
  splitext: defineFilter([], (v) => tuple(splitext(text(v)))),
  normpath: defineFilter([], (v) => normpath(text(v))),
  path_join: defineFilter([], (v) => {
    if (typeof v === "string") return v;
    if (Array.isArray(v)) return join(v.map((p) => text(p)));
    throw new FilterError("path_join", "|path_join expects string or sequence");
  }),
};
