import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { parseExtraVars } from "../../../src/cli/extra-vars.js";
import { KeyValueSyntaxError, parseKeyValues } from "../../../src/cli/parse-kv.js";

// Differential test of `-e key=value` splitting against ansible-core's own parse_kv
// (ansible.parsing.splitter), run by the Python that runs the installed Ansible: every input
// below, hand-written and generated, must give the same variables, or fail in both. A piece
// without `=` is Ansible's `_raw_params`: there ours refuses the -e instead.

const HAND = [
  "a=1",
  "k={{ a }} b=2",
  "msg={{ a | default('x y') }} n=2",
  "cmd={% if x %}on {% else %}off{% endif %} z=1",
  "c={# a comment #} d=4",
  'c="foo bar" d=\'x y\'',
  'path="/a b/c"',
  "x=  y=2",
  "a=1  b=2",
  " a=1",
  "  a=1",
  "a=1 ",
  "a=1\nb=2",
  "a='1\n2' b=3",
  "a=1 \\\n b=2",
  "a={{ [1,\n2] }}",
  "a=b=c",
  "=a=b",
  "a\\=b=c",
  "a\\=b",
  "a=\\n\\t\\x41\\u00e9\\U0001F600",
  "a=\\'q\\' b=\\\"r\\\"",
  'a="x\\" y"',
  "a=it's",
  "a='unclosed",
  "a={{ unclosed",
  "a=}} b=1",
  "a={{ x }}}} b=1",
  "a={{ {'k': 'v v'} }}",
  "a=\"{{ x }}\"",
  "a='{{ x }} y'",
  " key = value ",
  "a=1 a=2",
  "ü=ö",
  "a=\u00a0x\u00a0",
  "a=\u3000x",
  "a=\ufeffx",
  "a=\u001cx\u001c",
  "a=x\\",
  "just-a-word",
  "a=1 word",
  "",
  "\na=1",
  "a=1\n",
  "a=1\n\nb=2",
  "a={% raw %}{{ x }}{% endraw %}",
  "a='{%' b=1",
  "a=\"x\"y\" b=1",
  "a=\"\"",
  "a=''",
  "a='\"'",
];

// A fixed-seed generator (no Math.random: every run tests the same inputs).
function* generated(n: number): Generator<string> {
  const pieces = ["a", "b=", "=", "x=1", " ", "  ", "'", '"', "{{", "}}", "{%", "%}", "{#", "#}", "\\", "\\n", "\\x41", "\\=", "\n", "é", "k=v w", "\\'", "\\\"", "y"];
  let seed = 20240615;
  const next = (m: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % m;
  };
  for (let i = 0; i < n; i++) {
    let s = next(2) === 0 ? "k=" : "";
    const len = 1 + next(8);
    for (let j = 0; j < len; j++) s += pieces[next(pieces.length)] ?? "";
    yield s;
  }
}

const INPUTS = [...HAND, ...generated(1500)];

const Answer = z.union([z.object({ ok: z.literal(true), vars: z.record(z.string(), z.string()) }), z.object({ ok: z.literal(false), cls: z.string() })]);

function ansibleAnswers(): z.infer<typeof Answer>[] {
  const env = { ...process.env, PATH: (process.env.PATH ?? "/usr/bin:/bin").split(":").filter((d) => !d.includes("node_modules")).join(":") };
  // The interpreter the installed ansible-playbook names (a python3 earlier on PATH may lack Ansible).
  const shebang = execFileSync("sh", ["-c", "head -n 1 \"$(command -v ansible-playbook)\""], { env, encoding: "utf8" });
  const python = shebang.replace(/^#!\s*/, "").trim().split(/\s+/)[0] ?? "python3";
  const out = execFileSync(python, [new URL("./parse-kv-oracle.py", import.meta.url).pathname], {
    input: INPUTS.map((t) => JSON.stringify(t)).join("\n"),
    env,
    encoding: "utf8",
    maxBuffer: 64 << 20,
  });
  return out
    .trimEnd()
    .split("\n")
    .map((l) => Answer.parse(JSON.parse(l)));
}

describe("-e key=value is split as Ansible's parse_kv splits it", () => {
  const answers = ansibleAnswers();

  it("answers every input", () => {
    expect(answers).toHaveLength(INPUTS.length);
    // The generated inputs reach both outcomes, and blocks and quotes holding spaces.
    expect(answers.filter((a) => a.ok && Object.keys(a.vars).length > 0).length).toBeGreaterThan(200);
    expect(answers.filter((a) => !a.ok).length).toBeGreaterThan(50);
  });

  it.each(INPUTS.map((text, i) => ({ text, i })))("$text", ({ text, i }) => {
    const theirs = answers[i];
    let ours: Record<string, string> | KeyValueSyntaxError;
    try {
      ours = parseKeyValues(text);
    } catch (e) {
      if (!(e instanceof KeyValueSyntaxError)) throw e;
      ours = e;
    }
    if (theirs?.ok === true && !Object.hasOwn(theirs.vars, "_raw_params")) expect(ours).toEqual(theirs.vars);
    else expect(ours).toBeInstanceOf(KeyValueSyntaxError);
  });
});

describe("readExtraVars with key=value", () => {
  it("keeps a template with spaces whole, and names a piece that is not key=value", async () => {
    expect(await parseExtraVars(["k={{ a | default('x y') }} b=2"])).toEqual({ k: "{{ a | default('x y') }}", b: "2" });
    await expect(parseExtraVars(["a=1 oops"])).rejects.toThrow(`--extra-vars "a=1 oops": "oops" is not key=value`);
    await expect(parseExtraVars(["a={{ b"])).rejects.toThrow("an unbalanced jinja2 block or quotes");
  });
});
