import { z } from "zod";

/**
 * The fields of a JSON report (json.ts writes them) that do-converge reads back: `schedule status`
 * its last run, the HTML report the runs kept in history/. The rest is ignored.
 */
export const reportFileSchema = z.object({
  started: z.string(),
  duration_ms: z.number(),
  check: z.boolean(),
  drift: z.object({ detected: z.boolean(), tasks: z.array(z.object({ host: z.string(), task: z.string() })) }),
  exit_code: z.number(),
  recap: z.record(z.string(), z.object({ ok: z.number(), changed: z.number(), failed: z.number(), unreachable: z.number() })),
});

export type ReportFile = z.infer<typeof reportFileSchema>;
