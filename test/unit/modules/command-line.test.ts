import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { commandLine, commandWords } from "../../../src/modules/command-line.js";

// The command module's words against Python itself: what ansible-core's command module runs for
// a `cmd` is `[expanduser(expandvars(w)) for w in shlex.split(cmd)]` (command.py splits, then
// run_command expands). Python computes that here; /bin/sh runs our line, which prints its argv.

const ENV = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: "/home/op", FOO: "a b", EMPTY: "", GLOB: "*", DOLLAR: "$FOO" };

const CASES = [
  // From the vendored roles (geerlingguy.mysql secure-installation.yml, postgresql initialize.yml, ...).
  `mysql -NBe "SELECT Host FROM mysql.user WHERE User = ''"`,
  `/usr/lib/postgresql/15/bin/initdb -D /var/lib/postgresql/15/main`,
  `sh -c "echo $C"`,
  `mysql -NBe 'DELETE FROM mysql.user WHERE User="root" AND Host NOT IN ("localhost", "::1")'`,
  // Python's own rules: quotes mid-word, escapes, empty words, unset and empty variables.
  `a="b c"d 'e\\f' "g\\"h\\\\i\\j" k\\ l '' ""`,
  `echo $FOO \${FOO} $EMPTY "$UNSET" \${UNSET} $1 \${a b} $ {FOO} $$ $FOO$FOO`,
  `echo $GLOB $DOLLAR '$(touch /nonexistent/x)' \`id\` ; | & > <`,
  `ls ~ ~/x ~root/y ~nosuchuser-dcv/z a~/b "~"/c`,
  `echo $FOO_BAR \${FOO}_BAR $FOO-x`,
  "tab\tand\nnewline",
];

function python(cmd: string): string[] {
  const script = "import json,os,shlex,sys\nprint(json.dumps([os.path.expanduser(os.path.expandvars(w)) for w in shlex.split(sys.argv[1])]))";
  return JSON.parse(execFileSync("python3", ["-c", script, cmd], { env: ENV, encoding: "utf8" })) as string[];
}

function ours(cmd: string): string[] {
  const split = commandWords(cmd);
  if (!split.ok) throw new Error(split.problem);
  const out = execFileSync("/bin/sh", ["-c", `printf '%s\\0' ${commandLine(split.words)}`], { env: ENV, encoding: "utf8" });
  return out.split("\0").slice(0, -1);
}

describe("command: cmd's words as ansible-core's command module runs them", () => {
  it.each(CASES)("%s", (cmd) => {
    expect(ours(cmd)).toEqual(python(cmd));
  });

  it("a cmd Python cannot split is refused with Python's reason", () => {
    expect(commandWords(`echo "open`)).toEqual({ ok: false, problem: "No closing quotation" });
    expect(commandWords("echo a\\")).toEqual({ ok: false, problem: "No escaped character" });
    // No comments in a command: a # is a word like any other.
    expect(commandWords("echo a #b")).toEqual({ ok: true, words: ["echo", "a", "#b"] });
  });
});
