import { Command, CommanderError, Option } from "commander";
import { InventoryError } from "../inventory/errors.js";
import { ConfigError } from "../runner/errors.js";
import { SiteError, VarsValidationError } from "../site/errors.js";
import { TemplateError } from "../template/errors.js";
import type { InventoryCommandOptions } from "./inventory-command.js";
import { packageInfo } from "./package-info.js";
import { nonNegativeInteger, positiveInteger } from "./positive-integer.js";
import type { RunCommandOptions } from "./run-command.js";
import { addVaultOptions } from "./vault-options.js";
import type { SecretsGenerateOptions } from "./secrets-command.js";
import { SecretsError } from "../secrets/errors.js";
import { RunLockBusy, RunLockError } from "../control-node/run-lock.js";
import { WriteFileError } from "../control-node/write-file.js";
import { InitError } from "../init/errors.js";
import type { InitCommandOptions } from "./init-command.js";
import type { TemplateRenderOptions } from "./template-command.js";
import { addHookCommands } from "./hook-command.js";
import { HookError } from "../hook/errors.js";
import { registerScheduleCommand } from "./schedule-program.js";
import { ScheduleError } from "../schedule/errors.js";
import { ImportError } from "../import/errors.js";
import type { ImportPlaybookCommandOptions, ImportRoleCommandOptions } from "./import-command.js";
import type { TemplateRenderer } from "../runner/options.js";
import { UnknownModuleError } from "../doc/errors.js";
import { HandedOver, siteNamedBy, takeHandedOverMark } from "./handed-over.js";

const collect = (value: string, previous: string[] = []) => [...previous, value];
const count = (_: string, previous = 0) => previous + 1;

export interface CliDeps {
  /** The template renderer of a converge, asked for by the commands that converge only. */
  templates(): Promise<TemplateRenderer>;
}

/**
 * The CLI's commands and options. Each command's implementation is imported when that command
 * runs: `--help`, `--version` and one command do not load every other command's modules (the
 * converge's alone are hundreds).
 */
export function buildProgram(deps: CliDeps, setExit: (code: number) => void): Command {
  const info = packageInfo();
  const program = new Command()
    .name("do-converge")
    .description(info.description)
    .version(info.version, "-V, --version", "print the version and exit")
    .helpOption("-h, --help", "show this help")
    .showHelpAfterError()
    .exitOverride()
    // Options after a subcommand's name belong to it (`template render -i INV` is render's -i).
    .enablePositionalOptions()
    .argument("[site]", "the site file (site.ts) to converge")
    .option("-i, --inventory <path>", "inventory source (repeatable); replaces the site's own", collect)
    .option("-C, --check", "report what would change; change nothing")
    .option("-D, --diff", "show the differences in changed files")
    .option("-l, --limit <pattern>", "further limit the hosts of every play to a pattern")
    .option("-t, --tags <tags>", "run only tasks with these tags (comma-separated)")
    .option("--skip-tags <tags>", "skip tasks with these tags (comma-separated)")
    .option("-e, --extra-vars <vars>", "key=value, a YAML/JSON mapping, or @file.yml (repeatable)", collect)
    .addOption(new Option("-f, --forks <n>", "hosts worked on at once").default(20).argParser(positiveInteger))
    .addOption(
      new Option("--retry-unreachable <n>", "at the end of the run, try hosts that became unreachable again, up to N times (the plays they missed)").default(0).argParser(nonNegativeInteger),
    )
    .option("-v, --verbose", "more output: -v results, -vvv the commands run on hosts", count, 0)
    .option("--json <file>", "write a machine-readable report")
    .option("--junit <file>", "write a JUnit XML report: a test case per host and task")
    .option("--html <file>", "write a run report to look at: one self-contained page (recap, timeline per host, changes with diffs, failures, drift over kept reports)")
    .option("--profile", "after the recap, print the slowest tasks (summed and max time over hosts)")
    .addOption(new Option("--profile-top <n>", "how many tasks --profile prints").default(20).argParser(positiveInteger))
    .option("--accept-new-host-keys", "record unknown SSH host keys (trust on first use); changed keys still fail")
    .option("--known-hosts <file>", "an extra known_hosts file, consulted first (repeatable)", collect)
    .option("-K, --ask-become-pass", "ask for the sudo password used by become")
    .option("--no-typecheck", "skip type-checking the site before running it")
    .option("--no-fast-path", "read every probe from the host, none from the play's snapshot of the last run's reads")
    .option("--refresh-inventory", "ignore cached DigitalOcean answers and ask the API again")
    .option("--password-file <file>", "the password of encrypted secrets files (else DO_CONVERGE_PASSWORD_FILE, else asked)")
    .option("--lock-file <file>", "runs holding this lock never overlap (default: .do-converge.lock beside the site)")
    .option("--detect-drift", "exit 3 when the run changed something (with --check: would change), for monitoring")
    .option("--syslog", "after the recap, one summary line (site, counts, drift, exit code) to syslog/the journal, tag do-converge")
    .addOption(new Option("--keep-reports <n>", "with --json FILE: also keep the last N reports, timestamped, in history/ beside it").argParser(positiveInteger));
  addVaultOptions(program).action(async (site: string | undefined, opts: RunCommandOptions) => {
    if (!site) {
      program.outputHelp();
      setExit(1);
      return;
    }
    const { runCommand } = await import("./run-command.js");
    setExit(await runCommand(site, opts, await deps.templates()));
  });

  const render = program
    .command("template")
    .description("work with templates")
    .command("render")
    .description("print a template rendered with variables, as a converge would render it")
    .argument("<template>", "the template file")
    .option("--vars <file>", "a YAML file of variables (repeatable; later files win)", collect)
    .option("-e, --extra-vars <vars>", "extra vars as a converge takes them, seen on every host (repeatable)", collect)
    .option("-i, --inventory <path>", "inventory source (repeatable)", collect)
    .option("--host <name>", "render as this inventory host: its vars, groups and hostvars")
    .option("--facts-cache <dir>", "facts as if gathered: an Ansible jsonfile fact cache (a file per host, named by the host)")
    .option("--password-file <file>", "the password of encrypted secrets files (else DO_CONVERGE_PASSWORD_FILE, else asked)");
  addVaultOptions(render).action(async (template: string, opts: TemplateRenderOptions) => {
    const { renderTemplateCommand } = await import("./template-command.js");
    process.stdout.write(await renderTemplateCommand(template, opts));
  });

  const inventory = program
    .command("inventory")
    .description("show the inventory as a converge sees it: hosts, groups and variables (no host is contacted)")
    .argument("[site]", "a site file: its inventory (unless -i) and the group_vars/host_vars beside it")
    .option("-i, --inventory <path>", "inventory source: a YAML or INI file, a directory of them, a host list a,b, digitalocean.yml, terraform.tfstate (repeatable)", collect)
    .option("--list", "every group and host as JSON, ansible-inventory's shape (_meta.hostvars)")
    .option("--graph [group]", "the group tree, from a group (default all)")
    .option("--host <name>", "one host's variables, each with its precedence layer and source")
    .option("-e, --extra-vars <vars>", "extra vars to show on top, with --host (repeatable)", collect)
    .option("--refresh-inventory", "ignore cached DigitalOcean answers and ask the API again")
    .option("--password-file <file>", "the password of encrypted secrets files (else DO_CONVERGE_PASSWORD_FILE, else asked)");
  addVaultOptions(inventory).action(async (site: string | undefined, opts: InventoryCommandOptions) => {
    const notice = (line: string) => process.stderr.write(`${line}\n`);
    const { inventoryCommand } = await import("./inventory-command.js");
    const result = await inventoryCommand(site, opts, { onNotice: notice });
    for (const w of result.warnings) process.stderr.write(`[WARNING]: ${w}\n`);
    process.stdout.write(result.output);
  });
  registerScheduleCommand(program, setExit);
  const importCmd = program.command("import").description("convert Ansible content into typed do-converge code");
  importCmd
    .command("playbook")
    .description("write site.ts from an Ansible playbook (plays, hosts, serial, vars, pre/post tasks, handlers), importing the roles it uses")
    .argument("<file>", "the playbook")
    .option("--out <dir>", "the site's directory (default: the playbook's)")
    .action(async (file: string, opts: ImportPlaybookCommandOptions) => {
      const { importPlaybookCommand } = await import("./import-command.js");
      setExit(importPlaybookCommand(file, opts, (line) => process.stdout.write(`${line}\n`)));
    });
  importCmd
    .command("role")
    .description("write a typed role from an Ansible role directory (defaults, vars, tasks, handlers, templates, files)")
    .argument("<dir>", "the Ansible role's directory")
    .option("--name <name>", "the role's name (default: the --out folder's name, else the directory's name without its namespace.)")
    .option("--out <dir>", "where the typed role is written (default: roles/<name>)")
    .action(async (dir: string, opts: ImportRoleCommandOptions) => {
      const { importRoleCommand } = await import("./import-command.js");
      setExit(importRoleCommand(dir, opts, (line) => process.stdout.write(`${line}\n`)));
    });
  const secrets = program.command("secrets").description("the site's secrets (passwords, salts, tokens): generated, encrypted with AES-256-GCM");
  const passwordHelp = "the password's file (else DO_CONVERGE_PASSWORD_FILE, else asked on the terminal)";
  const out = (text: string): void => {
    process.stdout.write(text);
  };
  const secretsCommands = async () => ({ ...(await import("./secrets-command.js")), ...(await import("./keyring.js")) });
  secrets
    .command("generate")
    .description("add a random value for every secret the site's roles declare and the secrets file lacks")
    .argument("[site]", "the site file whose roles declare the secrets", "site.ts")
    .option("--file <path>", "the secrets file (default: inventory/group_vars/all/secrets.yml beside the site)")
    .option("--password-file <file>", `encrypt a new file, or keep an encrypted one so: ${passwordHelp}`)
    .action(async (site: string, opts: SecretsGenerateOptions & { passwordFile?: string }) => {
      const { secretsGenerateCommand, cliKeyring } = await secretsCommands();
      out(await secretsGenerateCommand(site, opts, cliKeyring(opts.passwordFile)));
    });
  secrets
    .command("encrypt")
    .description("encrypt a YAML secrets file in place (mode 0600)")
    .argument("<file>")
    .option("--password-file <file>", passwordHelp)
    .action(async (file: string, opts: { passwordFile?: string }) => {
      const { secretsEncryptCommand, cliKeyring } = await secretsCommands();
      out(await secretsEncryptCommand(file, cliKeyring(opts.passwordFile)));
    });
  secrets
    .command("decrypt")
    .description("decrypt a secrets file in place (mode 0600)")
    .argument("<file>")
    .option("--password-file <file>", passwordHelp)
    .action(async (file: string, opts: { passwordFile?: string }) => {
      const { secretsDecryptCommand, cliKeyring } = await secretsCommands();
      out(await secretsDecryptCommand(file, cliKeyring(opts.passwordFile)));
    });
  secrets
    .command("edit")
    .description("edit an encrypted secrets file with $VISUAL/$EDITOR (a new file is created encrypted)")
    .argument("<file>")
    .option("--password-file <file>", passwordHelp)
    .action(async (file: string, opts: { passwordFile?: string }) => {
      const { secretsEditCommand, cliKeyring } = await secretsCommands();
      out(await secretsEditCommand(file, cliKeyring(opts.passwordFile)));
    });
  secrets
    .command("rekey")
    .description("encrypt a secrets file with a new password")
    .argument("<file>")
    .option("--password-file <file>", `the current password: ${passwordHelp}`)
    .requiredOption("--new-password-file <file>", "the new password's file")
    .action(async (file: string, opts: { passwordFile?: string; newPasswordFile: string }) => {
      const { secretsRekeyCommand, cliKeyring } = await secretsCommands();
      out(await secretsRekeyCommand(file, cliKeyring(opts.passwordFile), cliKeyring(opts.newPasswordFile)));
    });
  addHookCommands(program, setExit);
  program
    .command("doc")
    .description("the modules' reference: every module with its summary, or one module's arguments, check mode, diff and an example (as ansible-doc)")
    .argument("[module]", "the module, as h.<module>() calls it")
    .option("--site <file>", "also the site's own modules (those its plays and roles list in `modules`)")
    .action(async (module: string | undefined, opts: { site?: string }) => {
      const { docCommand } = await import("./doc-command.js");
      if (opts.site === undefined) return out(docCommand(module));
      const [{ loadSite }, { moduleOwners }, { siteModules }] = await Promise.all([import("./load-site.js"), import("../site/dsl.js"), import("../site/site-modules.js")]);
      const site = await loadSite(opts.site);
      out(docCommand(module, [...siteModules(moduleOwners(site.plays)).values()].map((m) => m.module)));
    });
  program
    .command("init")
    .description("set up a site's DigitalOcean access: check the API token, pick regions and tags, write the inventory, the token file and the encrypted secrets")
    .argument("[dir]", "the site's directory", ".")
    .option("--token-file <file>", "read the API token from this file (mode 0600); else DIGITALOCEAN_TOKEN, else asked without echo")
    .option("--api-url <url>", "the API's base URL, also written to the inventory (else DIGITALOCEAN_API_URL, else DigitalOcean's)")
    .option("--region <slugs>", "regions whose droplets the inventory keeps, comma-separated or repeated; 'all': every region", collect)
    .option("--tags <tags>", "droplet tags to read, comma-separated, each a group; '*': every droplet (default: the reference site's when there is a site.ts)")
    .addOption(new Option("--host-address <kind>", "SSH to the droplets' private (VPC) or public address").choices(["private", "public"]))
    .option("--token-path <file>", "where the inventory's token file is written (default ~/.config/do-converge/token)")
    .option("--do-api-token-file <file>", "the site's do_api_token (keepalived's Reserved IP moves) from this file; default: the same token")
    .option("--password-file <file>", "the secrets file's password (else DO_CONVERGE_PASSWORD_FILE, else asked twice)")
    .option("--site <file>", "the site whose roles' secrets are generated (default: site.ts in dir, when there is one)")
    .option("-y, --yes", "ask nothing: take the defaults, and fail naming the flag for what has none")
    .option("--force", "replace existing files")
    .action(async (dir: string, opts: InitCommandOptions) => {
      const { initCommand, terminalIo } = await import("./init-command.js");
      out(await initCommand(dir, opts, terminalIo(opts.yes === true)));
    });
  return program;
}

/** Exit code of a run that found another run of the site in progress (it did nothing). */
export const EXIT_LOCKED = 8;

/** Errors whose message is the whole story for the operator: exit 1, no stack trace. */
function isConfigError(err: unknown): err is Error {
  return (
    err instanceof ConfigError ||
    err instanceof SiteError ||
    err instanceof VarsValidationError ||
    err instanceof InventoryError ||
    err instanceof TemplateError ||
    err instanceof SecretsError ||
    err instanceof InitError ||
    err instanceof RunLockError ||
    err instanceof WriteFileError ||
    err instanceof HookError ||
    err instanceof ScheduleError ||
    err instanceof ImportError ||
    err instanceof UnknownModuleError
  );
}

/** Runs the CLI and returns the process exit code; never calls process.exit itself. */
export async function main(argv: readonly string[], deps: CliDeps): Promise<number> {
  let code = 0;
  const program = buildProgram(deps, (c) => (code = c));
  // A process that was handed a command line runs it itself, whatever it finds.
  if (!takeHandedOverMark()) {
    program.hook("preAction", async (_, action) => {
      const site = siteNamedBy(action);
      if (site !== undefined) await (await import("./hand-over.js")).handOverToSiteInstall(site, argv.slice(2), packageInfo().version);
    });
  }
  try {
    await program.parseAsync([...argv]);
    return code;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    if (err instanceof HandedOver) return err.exitCode;
    if (isConfigError(err)) {
      process.stderr.write(`ERROR: ${err.message}\n`);
      return 1;
    }
    if (err instanceof RunLockBusy) {
      process.stderr.write(`ERROR: ${err.message}\n`);
      return EXIT_LOCKED;
    }
    throw err;
  }
}
