import { role, z } from "do-converge";

/**
 * What every host of the site needs before its own role: a fresh enough package index, the
 * tools the other roles call (curl for the API and health checks), and the host's time zone.
 */
export const common = role({
  name: "common",
  vars: z.object({
    /** apt-get update when the package index is older than this (seconds). */
    common_apt_cache_valid_time: z.number().int().min(0).default(3600),
    /**
     * Seconds one `apt-get update` attempt may take before it is killed and retried: a mirror
     * or proxy that stops answering would otherwise hold the run (and every later one) for ever.
     */
    common_apt_update_timeout: z.number().int().min(10).default(300),
    /** Packages every host gets. */
    common_packages: z.array(z.string().min(1)).default(["ca-certificates", "curl", "tzdata"]),
    /** /etc/timezone: logs of all hosts line up when they share one. */
    common_timezone: z.string().regex(/^[A-Za-z0-9_+\-/]+$/, "a tz database name such as Etc/UTC").default("Etc/UTC"),
  }),
  async tasks(h, v) {
    await h.apt({ cache_valid_time: v.common_apt_cache_valid_time, update_cache_timeout: v.common_apt_update_timeout }, { name: "refresh the package index when stale" });
    await h.apt({ name: v.common_packages }, { name: "base packages" });
    await h.file(
      { path: "/etc/localtime", state: "link", src: `/usr/share/zoneinfo/${v.common_timezone}` },
      { name: `time zone ${v.common_timezone}` },
    );
    await h.copy({ dest: "/etc/timezone", content: `${v.common_timezone}\n`, mode: "0644" }, { name: "/etc/timezone" });
  },
});
