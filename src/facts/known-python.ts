import { z } from "zod";

/**
 * What a host's /usr/bin/python3 reported for the python facts, with the stamp of the binary that
 * reported it (`stat -L -c '%d %i %s %Y %Z'`: device, inode, size, modification and change
 * times). The facts script runs python3 (~50 ms of a host's CPU, a third of the whole gather)
 * only when the stamp differs: an upgrade or a relinked python3 is a new file or a new change
 * time. Kept by the fast path's record between runs (fast-path/recording.ts).
 */
export const KnownPython = z.object({
  // Digits and spaces only: the stamp is put into the facts script as a shell word.
  stamp: z.string().regex(/^\d+( \d+){4}$/),
  probe: z.string().max(4096),
});
export type KnownPython = z.infer<typeof KnownPython>;

/** Where a gather finds the host's known python facts and leaves what it learnt. */
export interface PythonMemo {
  known: KnownPython | undefined;
  learn(k: KnownPython): void;
}
