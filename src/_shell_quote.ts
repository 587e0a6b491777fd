/**
 * Quoting for display (the sandbox command in `--debug`).
 * @module
 */

/** Quotes an argument for display in `--debug`. */
export function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`;
}
