import type { Host } from "do-converge";

// A configuration change must reach the running service even when the run that wrote the file
// never got to its handler (a later task failed, the connection dropped): the handler is then
// lost, the next run finds the file already right and would report nothing while the service
// still runs the old configuration — the defect of the original roles, by another road. So the
// handler records the checksum of the file the service last loaded, and every run compares.

const STAMP_DIR = "/var/lib/do-converge/applied";

/** Where the checksum of the configuration the service last loaded is kept. */
export function appliedStamp(config: string): string {
  return `${STAMP_DIR}/${config.replace(/^\/+/, "").replaceAll("/", "_")}.sha256`;
}

/**
 * Read-only: reports changed, and notifies `handler`, when the service has not loaded the file as
 * it is now. Call it before the task that writes the file, so that an ordinary change shows as
 * that task's change alone.
 */
export async function notifyIfNotApplied(h: Host, config: string, handler: string, service: string): Promise<void> {
  await h.command(
    { argv: ["sha256sum", "--check", "--status", appliedStamp(config)] },
    { name: `${service} runs ${config} as it is on disk`, changedWhen: (r) => r.rc !== 0, failedWhen: false, checkMode: false, notify: handler },
  );
}

/** In the handler, after the reload: the file the service now runs. */
export async function recordApplied(h: Host, config: string): Promise<void> {
  const stamp = appliedStamp(config);
  await h.shell(
    // Not atomic, and need not be: a torn stamp only mismatches, which costs one more reload.
    { cmd: `mkdir -p ${STAMP_DIR} && sha256sum ${config} > ${stamp}` },
    { name: `record that the service runs ${config}` },
  );
}
