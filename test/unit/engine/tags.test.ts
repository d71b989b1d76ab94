import { describe, expect, it } from "vitest";
import { selectedByTags } from "../../../src/runner/tags.js";

/**
 * Ansible's Taggable.evaluate_tags (lib/ansible/playbook/taggable.py), transcribed line by line.
 * An untagged task has tags {"untagged"}; ansible-playbook's default for --tags is ["all"].
 */
function ansibleEvaluateTags(taskTags: readonly string[], onlyTags: readonly string[], skipTags: readonly string[]): boolean {
  const untagged = new Set(["untagged"]);
  const tags = taskTags.length ? new Set(taskTags) : untagged;
  const isUntagged = tags === untagged;
  const disjoint = (other: readonly string[]) => !other.some((t) => tags.has(t));
  let shouldRun = true;
  if (onlyTags.length) {
    if (tags.has("always")) shouldRun = true;
    else if (onlyTags.includes("all") && !tags.has("never")) shouldRun = true;
    else if (!disjoint(onlyTags)) shouldRun = true;
    else if (onlyTags.includes("tagged") && !isUntagged && !tags.has("never")) shouldRun = true;
    else shouldRun = false;
  }
  if (shouldRun && skipTags.length) {
    if (skipTags.includes("all")) {
      if (!tags.has("always") || skipTags.includes("always")) shouldRun = false;
    } else if (!disjoint(skipTags)) shouldRun = false;
    else if (skipTags.includes("tagged") && !isUntagged) shouldRun = false;
  }
  return shouldRun;
}

/** What ansible-playbook does: no --tags means --tags all. */
function ansible(taskTags: readonly string[], only: readonly string[], skip: readonly string[]): boolean {
  return ansibleEvaluateTags(taskTags, only.length ? only : ["all"], skip);
}

describe("selectedByTags (Ansible tag selection)", () => {
  it("without --tags or --skip-tags every task runs except those tagged never", () => {
    expect(selectedByTags([], [], [])).toBe(true);
    expect(selectedByTags(["web"], [], [])).toBe(true);
    expect(selectedByTags(["always"], [], [])).toBe(true);
    expect(selectedByTags(["never"], [], [])).toBe(false);
    expect(selectedByTags(["never", "debug"], [], [])).toBe(false);
  });

  it("--tags keeps the tasks sharing a tag, and always-tagged tasks", () => {
    expect(selectedByTags(["web", "config"], ["config"], [])).toBe(true);
    expect(selectedByTags(["db"], ["config"], [])).toBe(false);
    expect(selectedByTags([], ["config"], [])).toBe(false);
    expect(selectedByTags(["always"], ["config"], [])).toBe(true);
  });

  it("a never task runs only when one of its tags is asked for (including never itself)", () => {
    expect(selectedByTags(["never", "debug"], ["debug"], [])).toBe(true);
    expect(selectedByTags(["never", "debug"], ["never"], [])).toBe(true);
    expect(selectedByTags(["never", "debug"], ["web"], [])).toBe(false);
    expect(selectedByTags(["never", "debug"], ["all"], [])).toBe(false);
    expect(selectedByTags(["never", "debug"], ["tagged"], [])).toBe(false);
  });

  it("a task tagged both always and never runs as always does", () => {
    expect(selectedByTags(["always", "never"], [], [])).toBe(true);
    expect(selectedByTags(["always", "never"], ["web"], [])).toBe(true);
  });

  it("--tags tagged runs tagged tasks only; --tags untagged runs untagged tasks only", () => {
    expect(selectedByTags(["web"], ["tagged"], [])).toBe(true);
    expect(selectedByTags([], ["tagged"], [])).toBe(false);
    expect(selectedByTags([], ["untagged"], [])).toBe(true);
    expect(selectedByTags(["web"], ["untagged"], [])).toBe(false);
    expect(selectedByTags(["always"], ["untagged"], [])).toBe(true);
  });

  it("--tags all,<tag> still runs every task (all is not narrowed by the other tags)", () => {
    expect(selectedByTags(["db"], ["all", "web"], [])).toBe(true);
    expect(selectedByTags([], ["all", "web"], [])).toBe(true);
    expect(selectedByTags(["never", "web"], ["all", "web"], [])).toBe(true);
    expect(selectedByTags(["never", "db"], ["all", "web"], [])).toBe(false);
  });

  it("--skip-tags wins over --tags, and skips always-tagged tasks only by name", () => {
    expect(selectedByTags(["web", "config"], ["web"], ["config"])).toBe(false);
    expect(selectedByTags(["always"], [], ["web"])).toBe(true);
    expect(selectedByTags(["always"], [], ["always"])).toBe(false);
    expect(selectedByTags(["always", "web"], [], ["web"])).toBe(false);
    expect(selectedByTags(["never", "debug"], ["debug"], ["debug"])).toBe(false);
  });

  it("--skip-tags tagged / untagged", () => {
    expect(selectedByTags(["web"], [], ["tagged"])).toBe(false);
    expect(selectedByTags(["always"], [], ["tagged"])).toBe(false);
    expect(selectedByTags([], [], ["tagged"])).toBe(true);
    expect(selectedByTags([], [], ["untagged"])).toBe(false);
    expect(selectedByTags(["web"], [], ["untagged"])).toBe(true);
  });

  it("--skip-tags all skips everything but always-tagged tasks (unless always is skipped too)", () => {
    expect(selectedByTags([], [], ["all"])).toBe(false);
    expect(selectedByTags(["web"], [], ["all"])).toBe(false);
    expect(selectedByTags(["always"], [], ["all"])).toBe(true);
    expect(selectedByTags(["always"], [], ["all", "always"])).toBe(false);
  });

  it("agrees with Ansible's evaluate_tags on every combination of a small tag universe", () => {
    const universe = ["always", "never", "all", "tagged", "untagged", "web", "db"];
    const subsets: string[][] = [];
    for (let mask = 0; mask < 1 << universe.length; mask++) subsets.push(universe.filter((_, i) => mask & (1 << i)));
    // Task tags are what a user writes: never "all", "tagged" or "untagged".
    const taskTagSets = subsets.filter((s) => !s.some((t) => t === "all" || t === "tagged" || t === "untagged"));
    const mismatches: string[] = [];
    let checked = 0;
    for (const task of taskTagSets) {
      for (const only of subsets) {
        for (const skip of subsets) {
          checked++;
          const want = ansible(task, only, skip);
          if (selectedByTags(task, only, skip) !== want) mismatches.push(`task=${JSON.stringify(task)} --tags=${only.join(",")} --skip-tags=${skip.join(",")}: want ${want}`);
        }
      }
    }
    expect(checked).toBe(16 * 128 * 128);
    expect(mismatches.slice(0, 10)).toEqual([]);
  });
});
