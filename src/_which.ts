/**
 * Finds an executable on PATH.
 * @module
 */

/** Absolute path of `name` on PATH, or null when no executable of that name is found. */
export function which(name: string, path: string = Deno.env.get("PATH") ?? ""): string | null {
  for (const dir of path.split(":")) {
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
