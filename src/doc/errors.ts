/** `do-converge doc NAME` for a module that does not exist: names the close ones. */
export class UnknownModuleError extends Error {
  override name = "UnknownModuleError";
  constructor(
    readonly module: string,
    readonly closeMatches: readonly string[],
  ) {
    const close = closeMatches.length > 0 ? `; did you mean ${closeMatches.join(", ")}?` : "";
    super(`no module named ${JSON.stringify(module)}${close} (\`do-converge doc\` lists every module)`);
  }
}
