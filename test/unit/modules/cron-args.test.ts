import { describe, expect, it } from "vitest";
import { argName, ourModule } from "../../../src/import/module-map.js";
import { modules } from "../../../src/modules/registry.js";

const problem = (args: Record<string, unknown>) => {
  const r = modules.cron.args.safeParse(args);
  return r.success ? undefined : r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
};

describe("cron's arguments", () => {
  it("take Ansible's defaults, and YAML integers as time fields", () => {
    const r = modules.cron.args.parse({ name: "a", job: "true", hour: 2 });
    expect(r).toMatchObject({ state: "present", minute: "*", hour: "2", day: "*", month: "*", weekday: "*", disabled: false, env: false, backup: false });
  });

  it("refuse what ansible.builtin.cron refuses, with its messages", () => {
    expect(problem({ name: "a", job: "x", special_time: "daily", minute: "5" })).toBe("special_time: You must specify time and date fields or special time.");
    expect(problem({ name: "a", job: "x", cron_file: "f" })).toBe("user: To use cron_file=... parameter you must specify user=... as well");
    expect(problem({ name: "a" })).toBe("job: You must specify 'job' to install a new cron job or variable");
    expect(problem({ name: "A B", env: true, job: "1" })).toBe("name: Invalid name for environment variable");
    expect(problem({ name: "a", job: "x", insertafter: "B" })).toBe("insertafter: Insertafter and insertbefore parameters are valid only with env=yes");
    expect(problem({ name: "a", job: "x", user: "root", cron_file: "/etc/crontab" })).toMatch(/^cron_file: Will not manage \/etc\/crontab/);
  });

  it("refuse what would break the crontab's lines, and unknown arguments", () => {
    expect(problem({ name: "a", job: "one\ntwo" })).toBe("job: Job should not contain line breaks");
    expect(problem({ name: "a", job: "\none\n" })).toBeUndefined();
    expect(problem({ name: "a\nb", state: "absent" })).toMatch(/^name: one line/);
    expect(problem({ name: "a", job: "x", minute: "1 2" })).toMatch(/^minute: one crontab field/);
    expect(problem({ name: "a", job: "x", special_time: "sometimes" })).toMatch(/^special_time:/);
    expect(problem({ name: "a", job: "x", cron: "y" })).toMatch(/cron/);
  });

  it("are what Ansible's cron task maps to, aliases included", () => {
    expect(ourModule("ansible.builtin.cron")).toBe("cron");
    expect([argName("cron", "value"), argName("cron", "dom"), argName("cron", "dow")]).toEqual(["job", "day", "weekday"]);
  });
});
