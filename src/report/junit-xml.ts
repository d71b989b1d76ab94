import type { JunitCase, JunitSuite } from "./junit.js";
import { xmlAttr, xmlText } from "./xml.js";

/** Seconds with millisecond precision, as JUnit's `time` attributes are read. */
const seconds = (ms: number) => (Math.max(0, ms) / 1000).toFixed(3);

/** JUnit's schema wants a local-time-free ISO 8601 timestamp (no zone, no fraction); UTC it is. */
const timestamp = (ms: number) => new Date(ms).toISOString().slice(0, 19);

interface Counts {
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
}

function counts(cases: readonly JunitCase[]): Counts {
  const c: Counts = { tests: cases.length, failures: 0, errors: 0, skipped: 0 };
  for (const k of cases) {
    if (k.outcome.kind === "failure") c.failures++;
    if (k.outcome.kind === "error") c.errors++;
    if (k.outcome.kind === "skipped") c.skipped++;
  }
  return c;
}

const countAttrs = (c: Counts) => `tests="${c.tests}" failures="${c.failures}" errors="${c.errors}" skipped="${c.skipped}"`;

function renderCase(k: JunitCase): string {
  const open = `    <testcase classname="${xmlAttr(k.classname)}" name="${xmlAttr(k.name)}" time="${seconds(k.durationMs)}">`;
  const body: string[] = [];
  if (k.properties.length) {
    body.push("      <properties>");
    for (const [name, value] of k.properties) body.push(`        <property name="${xmlAttr(name)}" value="${xmlAttr(value)}"/>`);
    body.push("      </properties>");
  }
  const o = k.outcome;
  if (o.kind === "skipped") body.push(`      <skipped message="${xmlAttr(o.message)}"/>`);
  if (o.kind === "failure" || o.kind === "error") {
    const type = o.kind === "failure" ? "failed" : "unreachable";
    body.push(`      <${o.kind} message="${xmlAttr(o.message)}" type="${type}">${xmlText(o.details ?? o.message)}</${o.kind}>`);
  }
  if (k.systemOut !== undefined) body.push(`      <system-out>${xmlText(k.systemOut)}</system-out>`);
  return `${open}\n${body.join("\n")}${body.length ? "\n" : ""}    </testcase>`;
}

/** The whole document; suites without an end (the run stopped inside them) end at `now`. */
export function renderJunit(suites: readonly JunitSuite[], now: number): string {
  const all = counts(suites.flatMap((s) => s.cases));
  const total = suites.reduce((t, s) => t + ((s.ended ?? now) - s.started), 0);
  const out = ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites name="do-converge" ${countAttrs(all)} time="${seconds(total)}">`];
  suites.forEach((s, id) => {
    const head = `  <testsuite name="${xmlAttr(s.name)}" id="${id}" ${countAttrs(counts(s.cases))} time="${seconds((s.ended ?? now) - s.started)}" timestamp="${timestamp(s.started)}"`;
    if (!s.cases.length) {
      out.push(`${head}/>`);
      return;
    }
    out.push(`${head}>`, ...s.cases.map(renderCase), "  </testsuite>");
  });
  out.push("</testsuites>", "");
  return out.join("\n");
}
