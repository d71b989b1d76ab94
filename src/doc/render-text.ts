import type { ArgumentDoc } from "./arguments.js";
import type { ModuleReference } from "./module-reference.js";
import { wrap } from "./wrap.js";

const WIDTH = 100;

/** An argument's type, and whether it must be given or what it defaults to, choices included. */
export function argumentFacts(a: ArgumentDoc): string[] {
  return [
    ...(a.required ? ["required"] : []),
    ...(a.default !== undefined ? [`default ${a.default}`] : []),
    ...(a.choices !== undefined ? [`choices: ${a.choices.join(", ")}`] : []),
  ];
}

function section(title: string, body: string): string[] {
  return ["", title, ...wrap(body, WIDTH, "  ")];
}

/** `do-converge doc MODULE`: the module's reference for a terminal. */
export function moduleText(ref: ModuleReference): string {
  const args = ref.arguments.flatMap((a) => [
    `  ${a.name}: ${[a.type, ...argumentFacts(a)].join("; ")}`,
    ...(a.description !== undefined ? wrap(a.description, WIDTH, "      ") : []),
  ]);
  const lines = [
    `${ref.name}: h.${ref.name}(args, meta?)`,
    ...wrap(ref.summary, WIDTH, "  "),
    "",
    "ARGUMENTS",
    ...(args.length > 0 ? args : ["  none"]),
    ...section("CHECK MODE (--check)", ref.check),
    ...section("DIFF (--diff)", ref.diff),
    ...section("FAST PATH", ref.fastPath),
    "",
    "EXAMPLE",
    ...ref.example.split("\n").map((l) => `  ${l}`),
  ];
  return `${lines.join("\n")}\n`;
}

/** `do-converge doc`: every module with its summary. */
export function moduleListText(refs: readonly { name: string; summary: string }[]): string {
  const pad = Math.max(...refs.map((r) => r.name.length)) + 2;
  const lines = refs.flatMap((r) => {
    const [first = "", ...rest] = wrap(r.summary, WIDTH - pad, "");
    return [`${r.name.padEnd(pad)}${first}`, ...rest.map((l) => `${" ".repeat(pad)}${l}`)];
  });
  return `${lines.join("\n")}\n\n\`do-converge doc MODULE\` shows a module's arguments, check mode and diff support, and an example.\n`;
}
