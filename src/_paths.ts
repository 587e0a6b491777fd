/**
 * Path helpers shared by the backends.
 * @module
 */

import { basename, dirname } from "node:path";

/** realpath, or the real parent joined with the missing rest for a path that does not exist. */
export function realish(path: string): string {
  try {
    return Deno.realPathSync(path);
  } catch {
    const parent = dirname(path);
    if (parent === path) return path;
    const realParent = realish(parent);
    return realParent === "/" ? `/${basename(path)}` : `${realParent}/${basename(path)}`;
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
