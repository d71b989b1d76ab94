import type { Command } from "commander";
import { GENERATED, mdCode, mdTable, mdText } from "./markdown.js";

/** The command's name from the program down: "do-converge template render". */
function fullName(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c !== null; c = c.parent) names.unshift(c.name());
  return names.join(" ");
}

/** One command's section, then its subcommands' (commander's implicit help command has no section). */
function commandSection(cmd: Command, depth: number): string[] {
  const help = cmd.createHelp();
  const args = help.visibleArguments(cmd);
  const options = help.visibleOptions(cmd);
  const subcommands = help.visibleCommands(cmd);
  const lines = [
    `${"#".repeat(Math.min(depth + 1, 6))} ${fullName(cmd)}`,
    "",
    mdText(help.commandDescription(cmd)),
    "",
    "```",
    help.commandUsage(cmd),
    "```",
  ];
  if (args.length > 0) lines.push("", ...mdTable(["Argument", "Description"], args.map((a) => [mdCode(help.argumentTerm(a)), mdText(help.argumentDescription(a))])));
  if (options.length > 0) lines.push("", ...mdTable(["Option", "Description"], options.map((o) => [mdCode(help.optionTerm(o)), mdText(help.optionDescription(o))])));
  if (subcommands.length > 0) lines.push("", ...mdTable(["Command", "Description"], subcommands.map((c) => [mdCode(help.subcommandTerm(c)), mdText(help.subcommandDescription(c))])));
  for (const sub of subcommands) if (cmd.commands.includes(sub)) lines.push("", ...commandSection(sub, depth + 1));
  return lines;
}

/** docs/cli.md: every command and option of the CLI, read from the commander program itself. */
export function cliMarkdown(program: Command): string {
  const lines = [
    GENERATED,
    "",
    "# Command line reference",
    "",
    `Every command of ${mdCode(program.name())}, its arguments and options, as \`--help\` shows them. The modules a site's tasks call are in [modules/](modules/README.md).`,
    "",
    ...commandSection(program, 1),
  ];
  return `${lines.join("\n")}\n`;
}
