/** Where a root's systemd schedule is written: the units systemd itself reads. */
export const SYSTEM_UNIT_DIR = "/etc/systemd/system";

/** Where a root's cron schedule is written: cron reads the directory by itself. */
export const SYSTEM_CRON_DIR = "/etc/cron.d";
