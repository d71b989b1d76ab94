import { Command, CommanderError } from "commander";
import { packageInfo } from "./package-info.js";

export function buildProgram(): Command {
  const info = packageInfo();
  return new Command()
    .name("do-converge")
    .description(info.description)
    .version(info.version, "-V, --version", "print the version and exit")
    .helpOption("-h, --help", "show this help")
    .showHelpAfterError()
    .exitOverride();
}

/** Runs the CLI and returns the process exit code; never calls process.exit itself. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv]);
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    throw err;
  }
}
