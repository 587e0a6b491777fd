/**
 * Finds an executable on PATH (or in the usual system directories).
 * @module
 */

/** Absolute path of `name`, or null when no executable of that name is found. */
export function which(name: string, path: string = Deno.env.get("PATH") ?? ""): string | null {
  const dirs = [...path.split(":"), "/usr/bin", "/bin", "/usr/local/bin", "/usr/sbin"];
  for (const dir of dirs) {
    if (!dir.startsWith("/")) continue;
    const candidate = `${dir}/${name}`;
    try {
      const info = Deno.statSync(candidate);
      if (info.isFile && (info.mode! & 0o111) !== 0) return candidate;
    } catch {
      // not here
    }
  }
  return null;
}
