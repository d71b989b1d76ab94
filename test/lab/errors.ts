/** A lab set-up or tear-down failure; the message names the host, file or command at fault. */
export class LabError extends Error {
  override name = "LabError";
}
