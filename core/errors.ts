/** A problem the user can fix (bad configuration, bad arguments, unreachable database): printed as one line. */
export class UserError extends Error {
  override name = "UserError";
}

/** Bad configuration: every problem found, reported at once. */
export class ConfigError extends UserError {
  override name = "ConfigError";
  constructor(readonly problems: string[]) {
    super(`invalid configuration: ${problems.join("; ")}`);
  }
}
