/** A schedule cannot be installed, read or removed as asked: the message is the whole story (exit 1). */
export class ScheduleError extends Error {
  override name = "ScheduleError";
}
