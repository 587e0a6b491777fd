/**
 * Glob expansion on Linux: walks only from each pattern's literal prefix,
 * pruning directories that cannot lead to a match, up to a bound.
 * @module
 */

import { couldMatchBelow, type Glob, literalPrefix, matchGlob } from "../glob.ts";
import { readDirOrEmpty } from "../_paths.ts";

/** Directory entries one glob may visit before expansion stops (and says so). */
export const GLOB_VISIT_LIMIT = 50_000;

/** What a glob expanded to. */
export interface Expansion {
  /** Matching paths that exist now. */
  readonly paths: string[];
  /** True when the walk stopped at the bound: the list may be incomplete. */
  readonly truncated: boolean;
}

/** Expands a glob against the filesystem as it is now. Symlinked directories are not descended. */
export function expandGlob(glob: Glob, limit: number = GLOB_VISIT_LIMIT): Expansion {
  const paths: string[] = [];
  const root = literalPrefix(glob);
  let visited = 0;
  const stack = [root];
  if (matchGlob(glob, root)) {
    try {
      Deno.lstatSync(root);
      paths.push(root);
    } catch {
      // does not exist
    }
  }
  while (stack.length > 0) {
    const dir = stack.pop()!;
    for (const entry of readDirOrEmpty(dir)) {
      if (++visited > limit) return { paths, truncated: true };
      const path = dir === "/" ? `/${entry.name}` : `${dir}/${entry.name}`;
      if (matchGlob(glob, path)) paths.push(path);
      if (entry.isDirectory && couldMatchBelow(glob, path)) stack.push(path);
    }
  }
  return { paths, truncated: false };
}
