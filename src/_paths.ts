/**
 * POSIX path helpers shared by the policy and the backends. Written here
 * rather than imported from `node:path`, whose compatibility layer costs
 * srt about 10 ms of start-up on every run.
 * @module
 */

/** Makes `path` absolute against `base` and normalises `.`, `..` and repeated slashes. */
export function resolvePath(base: string, path: string): string {
  const parts: string[] = [];
  for (const part of (path.startsWith("/") ? path : `${base}/${path}`).split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") parts.pop();
    else parts.push(part);
  }
  return "/" + parts.join("/");
}

/**
 * realpath, also for paths that do not exist: a dangling symlink is followed
 * to where it points, and a missing name is joined to its parent's real path.
 */
export function realish(path: string, hops = 0): string {
  try {
    return Deno.realPathSync(path);
  } catch {
    const parent = parentOf(path);
    if (parent === null) return path;
    if (hops < 40) {
      try {
        if (Deno.lstatSync(path).isSymlink) {
          return realish(resolvePath(parent, Deno.readLinkSync(path)), hops + 1);
        }
      } catch {
        // nothing there: fall through
      }
    }
    const name = path.slice(path.lastIndexOf("/") + 1);
    const realParent = realish(parent, hops);
    return realParent === "/" ? `/${name}` : `${realParent}/${name}`;
  }
}

/** Whether `path` is `dir` or below it. */
export function isInside(path: string, dir: string): boolean {
  return path === dir || dir === "/" || path.startsWith(dir + "/");
}

/** The parent directory, or null for `/`. */
export function parentOf(path: string): string | null {
  if (path === "/" || path === "") return null;
  const i = path.lastIndexOf("/");
  return i <= 0 ? "/" : path.slice(0, i);
}

/** Entries of a directory, or none when it cannot be read. */
export function readDirOrEmpty(dir: string): Deno.DirEntry[] {
  try {
    return [...Deno.readDirSync(dir)];
  } catch {
    return [];
  }
}
