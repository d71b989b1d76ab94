import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { JunitReporter } from "../../../src/report/junit.js";
import type { RunEvent } from "../../../src/runner/events.js";
import { taskEnd } from "./events.js";
import { type XmlElement, childrenNamed, parseXml, textOf } from "./xml-parse.js";

/** A reporter on a clock that advances only when told: times and timestamps are exact. */
function reporter(events: RunEvent[], clock: number[] = []): string {
  let t = Date.UTC(2025, 0, 2, 3, 4, 5);
  const r = new JunitReporter(() => t);
  for (const [i, e] of events.entries()) {
    t += clock[i] ?? 0;
    r.handle(e);
  }
  return r.render();
}

const cases = (root: XmlElement): XmlElement[] => childrenNamed(root, "testsuite").flatMap((s) => childrenNamed(s, "testcase"));
const prop = (c: XmlElement, name: string) => childrenNamed(childrenNamed(c, "properties")[0] as XmlElement, "property").find((p) => p.attrs["name"] === name)?.attrs["value"];

describe("the JUnit report", () => {
  it("is exactly this for a small run: a suite per play, a case per host and task", () => {
    const xml = reporter(
      [
        { type: "play-start", play: "web", hosts: ["a", "b"], check: false },
        taskEnd({ host: "a", task: "nginx config", status: "changed", summary: "content", durationMs: 1234 }),
        taskEnd({ host: "b", task: "nginx config", status: "failed", msg: "mode: invalid", durationMs: 5 }),
        taskEnd({ host: "a", task: "cleanup", status: "skipped", msg: "when was false", durationMs: 0 }),
        { type: "play-end", play: "web" },
      ],
      [0, 0, 0, 0, 2500],
    );
    expect(xml).toBe(`<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="do-converge" tests="3" failures="1" errors="0" skipped="1" time="2.500">
  <testsuite name="web" id="0" tests="3" failures="1" errors="0" skipped="1" time="2.500" timestamp="2025-01-02T03:04:05">
    <testcase classname="web/a" name="nginx config" time="1.234">
      <properties>
        <property name="status" value="changed"/>
        <property name="module" value="file"/>
      </properties>
      <system-out>changed: content</system-out>
    </testcase>
    <testcase classname="web/b" name="nginx config" time="0.005">
      <properties>
        <property name="status" value="failed"/>
        <property name="module" value="file"/>
      </properties>
      <failure message="mode: invalid" type="failed">mode: invalid

task: nginx config
module: file
host: b</failure>
    </testcase>
    <testcase classname="web/a" name="cleanup" time="0.000">
      <properties>
        <property name="status" value="skipped"/>
        <property name="module" value="file"/>
      </properties>
      <skipped message="when was false"/>
    </testcase>
  </testsuite>
</testsuites>
`);
    expect(parseXml(xml).name).toBe("testsuites");
  });

  it("maps statuses: failed to <failure>, unreachable to <error>, skipped to <skipped/>, the rest pass", () => {
    const root = parseXml(
      reporter([
        { type: "play-start", play: "db", hosts: ["a", "b", "c"], check: false },
        taskEnd({ play: "db", host: "a", task: "t", status: "ok" }),
        taskEnd({ play: "db", host: "a", task: "u", status: "ignored", msg: "exit 1" }),
        taskEnd({ play: "db", host: "a", task: "v", status: "rescued", msg: "boom" }),
        taskEnd({ play: "db", host: "b", task: "connect", module: "connection", status: "unreachable", msg: "ssh: timed out" }),
        { type: "host-unreachable", play: "db", host: "b", msg: "ssh: timed out" },
        taskEnd({ play: "db", host: "c", task: "t", status: "failed", msg: "no space", delegatedTo: "lb" }),
        { type: "host-failed", play: "db", host: "c", msg: 'c: task "t": no space' },
        { type: "play-end", play: "db" },
      ]),
    );
    const [suite] = childrenNamed(root, "testsuite");
    expect(suite?.attrs).toMatchObject({ name: "db", tests: "5", failures: "1", errors: "1", skipped: "0" });
    const [ok, ignored, rescued, unreachable, failed] = cases(root) as XmlElement[];
    for (const passing of [ok, ignored, rescued] as XmlElement[]) {
      expect(childrenNamed(passing, "failure").length + childrenNamed(passing, "error").length + childrenNamed(passing, "skipped").length).toBe(0);
    }
    expect(textOf(childrenNamed(ignored as XmlElement, "system-out")[0] as XmlElement)).toBe("ignored: exit 1");
    expect(prop(rescued as XmlElement, "status")).toBe("rescued");
    const error = childrenNamed(unreachable as XmlElement, "error")[0];
    expect(error?.attrs).toEqual({ message: "ssh: timed out", type: "unreachable" });
    expect(unreachable?.attrs["classname"]).toBe("db/b");
    const failure = childrenNamed(failed as XmlElement, "failure")[0] as XmlElement;
    expect(failure.attrs["message"]).toBe("no space");
    expect(textOf(failure)).toContain("host: c -> lb");
    expect(prop(failed as XmlElement, "delegated_to")).toBe("lb");
  });

  it("records a host stopped by another's failure (anyErrorsFatal) as skipped, once", () => {
    const root = parseXml(
      reporter([
        { type: "play-start", play: "web", hosts: ["a", "b"], check: false },
        taskEnd({ host: "a", task: "t", status: "failed", msg: "x" }),
        { type: "host-failed", play: "web", host: "a", msg: 'a: task "t": x' },
        { type: "host-failed", play: "web", host: "b", msg: "b: stopped: another host failed and the play has anyErrorsFatal" },
        { type: "play-end", play: "web" },
      ]),
    );
    const all = cases(root);
    expect(all.map((c) => [c.attrs["classname"], c.attrs["name"]])).toEqual([
      ["web/a", "t"],
      ["web/b", "(play aborted)"],
    ]);
    expect(childrenNamed(all[1] as XmlElement, "skipped")[0]?.attrs["message"]).toContain("anyErrorsFatal");
  });

  it("escapes hostile names and messages in attributes and text, and replaces characters XML cannot carry", () => {
    const hostile = `<x a="1" b='2'> & </x>]]>\x1b[31mred\x00\x07\x0b\uFFFF\uD800 tab\there\r\nnext`;
    const xml = reporter([
      { type: "play-start", play: hostile, hosts: [hostile], check: false },
      taskEnd({ play: hostile, host: hostile, task: hostile, module: hostile, status: "failed", msg: hostile }),
      taskEnd({ play: hostile, host: hostile, task: hostile, status: "changed", summary: hostile, delegatedTo: hostile }),
      taskEnd({ play: hostile, host: hostile, task: hostile, status: "skipped", msg: hostile }),
      { type: "play-end", play: hostile },
    ]);
    expect(xml).not.toMatch(/[\x00-\x08\x0b\x0c\x0e-\x1f]/);
    expect(xml).not.toContain("]]>");
    const root = parseXml(xml);
    const safe = `<x a="1" b='2'> & </x>]]>\\x1b[31mred\\x00\\x07\\x0b\uFFFD\uFFFD tab\there\r\nnext`;
    // Attributes keep tab, CR and LF (written as references, which survive normalisation).
    expect(childrenNamed(root, "testsuite")[0]?.attrs["name"]).toBe(safe);
    const [failed, changed, skipped] = cases(root) as XmlElement[];
    expect(failed?.attrs["classname"]).toBe(`${safe}/${safe}`);
    expect(failed?.attrs["name"]).toBe(safe);
    expect(prop(failed as XmlElement, "module")).toBe(safe);
    const failure = childrenNamed(failed as XmlElement, "failure")[0] as XmlElement;
    expect(failure.attrs["message"]).toBe(safe);
    expect(textOf(failure).startsWith(`${safe}\n`)).toBe(true);
    expect(textOf(childrenNamed(changed as XmlElement, "system-out")[0] as XmlElement)).toBe(`changed: ${safe}`);
    expect(prop(changed as XmlElement, "delegated_to")).toBe(safe);
    expect(childrenNamed(skipped as XmlElement, "skipped")[0]?.attrs["message"]).toBe(safe);
  });

  it("keeps a noLog task's message, summary and result out, as the JSON report does", () => {
    const secret = "hunter2-s3cr3t";
    const xml = reporter([
      { type: "play-start", play: "db", hosts: ["a"], check: false },
      taskEnd({ play: "db", host: "a", task: "set password", status: "changed", noLog: true, summary: `password=${secret}`, msg: secret, result: { secret } }),
      taskEnd({ play: "db", host: "a", task: "use password", status: "failed", noLog: true, msg: `mysql -p${secret}: denied`, result: { secret } }),
      { type: "host-failed", play: "db", host: "a", msg: `a: task "use password": mysql -p${secret}: denied` },
      taskEnd({ play: "db", host: "a", task: "rescue", status: "ignored", noLog: true, msg: secret }),
      { type: "play-end", play: "db" },
    ]);
    expect(xml).not.toContain(secret);
    const [changed, failed, ignored] = cases(parseXml(xml)) as XmlElement[];
    expect(textOf(childrenNamed(changed as XmlElement, "system-out")[0] as XmlElement)).toBe("changed");
    expect(childrenNamed(failed as XmlElement, "failure")[0]?.attrs["message"]).toBe("(details hidden: noLog)");
    expect(textOf(childrenNamed(ignored as XmlElement, "system-out")[0] as XmlElement)).toBe("ignored: (details hidden: noLog)");
  });

  it("gives each play its own suite and time; handlers are named so", () => {
    const root = parseXml(
      reporter(
        [
          { type: "play-start", play: "one", hosts: ["a"], check: false },
          taskEnd({ play: "one", host: "a", task: "Gathering Facts", module: "facts" }),
          { type: "play-end", play: "one" },
          { type: "play-start", play: "two", hosts: ["a"], check: false },
          taskEnd({ play: "two", host: "a", task: "Gathering Facts", module: "facts" }),
          taskEnd({ play: "two", host: "a", task: "restart nginx", module: "service", handler: true, status: "changed" }),
          { type: "play-end", play: "two" },
          { type: "play-start", play: "three", hosts: [], check: false },
          { type: "play-end", play: "three" },
        ],
        [0, 0, 1000, 0, 0, 0, 250, 0, 0],
      ),
    );
    const suites = childrenNamed(root, "testsuite");
    expect(suites.map((s) => [s.attrs["name"], s.attrs["tests"], s.attrs["time"]])).toEqual([
      ["one", "1", "1.000"],
      ["two", "2", "0.250"],
      ["three", "0", "0.000"],
    ]);
    expect(root.attrs["time"]).toBe("1.250");
    expect(cases(root).map((c) => `${c.attrs["classname"]} ${c.attrs["name"]}`)).toEqual([
      "one/a Gathering Facts",
      "two/a Gathering Facts",
      "two/a handler: restart nginx",
    ]);
  });

  describe("written to a file", () => {
    let dir: string | undefined;
    afterEach(() => {
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it("atomically, leaving no temporary file", () => {
      dir = mkdtempSync(join(tmpdir(), "dcv-junit-"));
      const r = new JunitReporter();
      r.handle({ type: "play-start", play: "web", hosts: ["a"], check: false });
      r.handle(taskEnd({ host: "a", task: "t" }));
      r.handle({ type: "play-end", play: "web" });
      const file = join(dir, "reports", "junit.xml");
      r.write(file);
      expect(readdirSync(join(dir, "reports"))).toEqual(["junit.xml"]);
      expect(parseXml(readFileSync(file, "utf8")).attrs["tests"]).toBe("1");
    });
  });
});
