// `npm run lab -- up|down|status|ssh NAME|prereqs [-t TOPOLOGY]`: the lab from the shell.
import { spawnSync } from "node:child_process";
import { Command } from "commander";
import { apiStateFiles } from "./api.js";
import { DEPLOY_USER } from "./base.js";
import { LabError } from "./errors.js";
import { Lab } from "./lab.js";
import { ensurePrerequisites, rerunCommand } from "./prereqs/ensure.js";
import { DEFAULT_TOPOLOGY_FILE } from "./topology.js";

const log = (line: string) => process.stderr.write(`lab: ${line}\n`);

function lab(opts: { topology: string }): Lab {
  return Lab.fromFile(opts.topology);
}

function prerequisites(l: Lab, opts: { ansible: boolean; install: boolean }): Promise<void> {
  return ensurePrerequisites({
    hosts: l.topology.hosts.length,
    labRoot: l.paths.cacheDir,
    rerun: rerunCommand(process.env, process.argv.slice(2)),
    log,
    ...opts,
  });
}

const program = new Command()
  .name("lab")
  .description("Real Debian 12 hosts (systemd-nspawn) on a private bridge, for tests and demos")
  .option("-t, --topology <file>", "topology YAML", DEFAULT_TOPOLOGY_FILE)
  .showHelpAfterError();

program
  .command("up")
  .description("create, repair and boot every host of the topology (idempotent)")
  .action(async () => {
    const l = lab(program.opts());
    await prerequisites(l, { ansible: false, install: true });
    const started = Date.now();
    await l.up(log);
    const s = await l.status();
    for (const h of s.hosts) console.log(`${h.name.padEnd(10)} ${h.address.padEnd(15)} ${h.ssh ? "up" : "DOWN"}`);
    log(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s; ssh key ${l.keyFile}, known_hosts ${l.knownHostsFile}`);
    if (l.topology.digitalocean) log(`DIGITALOCEAN_API_URL=${l.api.url} (token in ${apiStateFiles(l.paths.stateDir).token})`);
  });

program
  .command("down")
  .description("stop every host and remove containers, mounts, processes and the bridge")
  .action(async () => {
    await lab(program.opts()).down(log);
  });

program
  .command("status")
  .description("show each host; exit 1 unless all are up")
  .action(async () => {
    const s = await lab(program.opts()).status();
    console.log(`bridge ${s.bridge ? "present" : "absent"}`);
    for (const h of s.hosts) {
      console.log(`${h.name.padEnd(10)} ${h.address.padEnd(15)} ${h.running ? "running" : "stopped"} ssh=${h.ssh ? "yes" : "no"}`);
    }
    for (const n of s.strays) console.log(`${n.padEnd(10)} (not in the topology)`);
    process.exitCode = s.hosts.every((h) => h.ssh) ? 0 : 1;
  });

program
  .command("prereqs")
  .description(
    "check what the lab needs (Debian packages, overlayfs, a bridge, systemd-nspawn, inotify limits for the topology) and, as root, install what is missing",
  )
  .option("--ansible", "what the test suites and the benchmark run beside the lab too: ansible-core, curl, unzip, procps, chromium", false)
  .option("--check", "install and change nothing: exit 1 naming what is missing", false)
  .action(async (opts: { ansible: boolean; check: boolean }) => {
    await prerequisites(lab(program.opts()), { ansible: opts.ansible, install: !opts.check });
  });

program
  .command("ssh")
  .description("open a shell on a host as the deploy user (extra arguments are run as a command)")
  .argument("<name>", "host name")
  .argument("[command...]", "command to run instead of a login shell (after -- when it has -t or -h)")
  // `ssh db1 sudo -n true`: the command's own options are the command's, not this CLI's.
  .allowUnknownOption()
  .action((name: string, command: string[]) => {
    const l = lab(program.opts());
    const h = l.host(name);
    const r = spawnSync(
      "ssh",
      [
        "-i", l.keyFile,
        "-o", `UserKnownHostsFile=${l.knownHostsFile}`,
        "-o", "StrictHostKeyChecking=yes",
        "-o", "IdentitiesOnly=yes",
        `${DEPLOY_USER}@${h.privateIpv4}`,
        ...command,
      ],
      { stdio: "inherit" },
    );
    process.exitCode = r.status ?? 1;
  });

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof LabError) {
    log(`error: ${err.message}`);
    process.exitCode = 1;
  } else {
    throw err;
  }
}
