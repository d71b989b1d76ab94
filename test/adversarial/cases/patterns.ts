import type { AdversarialCase } from "../case.js";
import { localSite } from "../harness/site-source.js";

// Host patterns of plays and of --limit, and tag selections.

const INVENTORY = "all:\n  children:\n    web:\n      hosts:\n        localhost: { ansible_connection: local }\n";

const pattern = (id: string, hosts: string, message: RegExp, argv: readonly string[] = []): AdversarialCase => ({
  id: `patterns/${id}`,
  kind: "config",
  files: { ...localSite({ hosts }), "hosts.yml": INVENTORY },
  argv: ["site.ts", "--no-typecheck", ...argv],
  exit: 1,
  message,
});

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
/** A --limit value; the message must quote the pattern the operator gave. */
const limit = (id: string, value: string, message?: RegExp): AdversarialCase =>
  pattern(`limit-${id}`, "all", message ?? new RegExp(esc(value)), ["--limit", value]);

export const patternCases: AdversarialCase[] = [
  pattern("unknown-group", "nosuchgroup", /nosuchgroup/),
  pattern("unclosed-bracket", "web[", /web\[/),
  pattern("bad-regex", "~web(", /~web\(/),
  pattern("bad-range", "web[a:b]", /web\[a:b\]/),
  pattern("trailing-operator", "web:&", /web:&/),
  pattern("injection-in-pattern", "web;touch MARK", /web;touch MARK/),
  limit("empty", "", /--limit|pattern is empty/),
  limit("unknown-host", "nosuchhost"),
  limit("bad-regex", "~(("),
  limit("unclosed-bracket", "all["),
  limit("only-commas", ",,,"),
  limit("missing-file", "@nope.retry"),
  limit("injection", "localhost;touch MARK"),
  limit("excludes-everything", "all:!localhost"),
  pattern("tags-without-value", "all", /--tags/, ["--tags"]),
  pattern("skip-tags-without-value", "all", /--skip-tags/, ["--skip-tags"]),
];
