import { defineConfig } from "vitest/config";

// Projects with different costs: unit tests are pure and fast; the adversarial suite runs the CLI
// hundreds of times on bad input; lab tests boot real Debian hosts (systemd-nspawn) and talk SSH
// to them, so they run in one fork, one file at a time, with long timeouts; e2e converges the
// whole reference site.
//
// Two files at a time (vitest's default on 2 cores is one): most files wait on processes they
// start (the CLI, ansible-playbook), so one file at a time leaves a core idle. The lab's files
// still run one after another (they share the lab's hosts): vitest runs the files of a project
// with fileParallelism: false as a group of their own, after the other projects' files.
export default defineConfig({
  test: {
    maxWorkers: 2,
    projects: [
      {
        test: {
          name: "unit",
          include: ["test/unit/**/*.test.ts", "test/fake-do/**/*.test.ts"],
          // Some unit tests run real processes (the CLI, GNU diff 300 times): on 2 cores beside
          // other work, 5 s is not a bound on them but on the machine's load.
          testTimeout: 30_000,
        },
      },
      {
        // Templates rendered by do-converge and by ansible-core's template module, byte for byte.
        test: {
          name: "templates",
          include: ["test/templates/**/*.test.ts"],
          testTimeout: 60_000,
          // Their ansible-playbook runs share the cores with another file's (two files at a time): seen past 600 s.
          hookTimeout: 1_800_000,
        },
      },
      {
        // Inventories listed by do-converge and by ansible-inventory, compared as JSON.
        test: {
          name: "inventories",
          include: ["test/inventories/**/*.test.ts"],
          testTimeout: 60_000,
          hookTimeout: 1_800_000,
        },
      },
      {
        // Each case is a CLI process in a scratch directory on the local connection: a few at once
        // keep two cores busy without starving the other projects.
        test: {
          name: "adversarial",
          include: ["test/adversarial/**/*.test.ts"],
          testTimeout: 180_000,
          hookTimeout: 60_000,
          maxConcurrency: 3,
        },
      },
      {
        // The package packed and installed for real (into a project, and globally) by npm, which
        // may fetch dependencies: one pack and two installs shared by the file's cases.
        test: {
          name: "install",
          include: ["test/install/**/*.test.ts"],
          testTimeout: 300_000,
          hookTimeout: 900_000,
        },
      },
      {
        test: {
          name: "lab",
          include: ["test/lab/**/*.test.ts"],
          testTimeout: 300_000,
          hookTimeout: 900_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts"],
          testTimeout: 1_800_000,
          hookTimeout: 1_800_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
