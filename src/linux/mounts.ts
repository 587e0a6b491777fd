/**
 * Turns the filesystem part of a resolved policy into an ordered list of
 * bubblewrap mount arguments, plus the mount-point stubs srt must create
 * first (for protected paths that do not exist yet) and remove afterwards.
 *
 * The layout: `/` read-only; writable roots bound read-write; every protected
 * path (denyWrite and the mandatory list) inside a writable root bound
 * read-only again, and each directory between the root and it bound onto
 * itself, so no protected path or parent of one can be renamed or removed
 * (a mount point cannot be). denyRead directories become an empty read-only
 * tmpfs, denyRead files `/dev/null`; allowRead re-opens below them.
 * @module
 */

import type { PathRule, Policy } from "../policy.ts";
import { expandGlob } from "./expand.ts";
import { MANDATORY_VISIT_LIMIT, protectedPathsAt, searchProtectedBelow } from "../mandatory.ts";
import { isInside, parentOf, realish } from "../_paths.ts";
import { SrtError } from "../errors.ts";

/** The result of {@link planMounts}. */
export interface MountPlan {
  /** bwrap arguments for the filesystem, in order. */
  readonly args: string[];
  /** Empty files srt creates before bwrap runs and removes after. */
  readonly stubs: string[];
  /** Things the user should know (a glob bound hit, a rule that could not apply). */
  readonly notes: string[];
}

type Kind = "bind" | "selfbind" | "reopen-rw" | "reopen-ro" | "ro-bind" | "devnull" | "tmpfs";
const KIND_ORDER: Record<Kind, number> = {
  "bind": 0,
  "selfbind": 1,
  "reopen-rw": 2,
  "reopen-ro": 2,
  "ro-bind": 3,
  "devnull": 4,
  "tmpfs": 5,
};

function depth(path: string): number {
  return path === "/" ? 0 : path.split("/").length - 1;
}

const statCache = new Map<string, Deno.FileInfo | null>();

/** stat, memoised for one plan (a missing path costs an exception each time). */
function exists(path: string): Deno.FileInfo | null {
  if (statCache.has(path)) return statCache.get(path)!;
  let info: Deno.FileInfo | null;
  try {
    info = Deno.statSync(path);
  } catch {
    info = null;
  }
  statCache.set(path, info);
  return info;
}

function expandRules(
  rules: readonly PathRule[],
  notes: string[],
  list: string,
  keepMissing: boolean,
  collapse: boolean,
): string[] {
  const out = new Set<string>();
  for (const rule of rules) {
    if (rule.glob) {
      const { paths, truncated } = expandGlob(rule.glob);
      if (truncated) {
        notes.push(
          `srt: ${list} pattern "${rule.source}" matched too many entries to expand fully; only the first matches are enforced. Narrow the pattern.`,
        );
      }
      for (const p of paths) out.add(realish(p));
    } else if (keepMissing || exists(rule.path)) {
      out.add(realish(rule.path));
    }
  }
  // For allowWrite and denyWrite a path below another one of the same list
  // adds nothing (a glob such as `~/.cache/**` would otherwise cost one mount
  // per file). Not for the read lists: allowRead and denyRead nest.
  if (!collapse) return [...out];
  return [...out].filter((p) => {
    for (let a = parentOf(p); a !== null; a = parentOf(a)) if (out.has(a)) return false;
    return true;
  });
}

/** Inputs besides the policy. */
export interface PlanOptions {
  /** srt's own run directory, bound read-only whatever the rules say (relays need its sockets). */
  readonly forcedReadOnly: readonly string[];
  /** srt's own per-run directories to bind read-write whatever the rules say. */
  readonly forcedWritable: readonly string[];
}

/** Builds the mount plan. Reads the filesystem (globs, the protected-file search); writes nothing. */
export function planMounts(policy: Policy, options: PlanOptions): MountPlan {
  statCache.clear();
  const notes: string[] = [];
  const fs = policy.filesystem;
  const denyRead = expandRules(fs.denyRead, notes, "denyRead", false, false);
  const allowRead = expandRules(fs.allowRead, notes, "allowRead", false, false);
  const writable = expandRules(fs.allowWrite, notes, "allowWrite", false, true);
  const protectedPaths = new Set(expandRules(fs.denyWrite, notes, "denyWrite", true, true));

  // "Deepest entry of a set that contains p": walk p's ancestors (O(depth), not O(rules)).
  const deepestIn = (p: string, set: ReadonlySet<string>) => {
    for (let a: string | null = p; a !== null; a = parentOf(a)) if (set.has(a)) return a;
    return null;
  };
  const denyReadSet = new Set(denyRead);
  const allowReadSet = new Set(allowRead);
  const readHidden = (p: string) => {
    const d = deepestIn(p, denyReadSet);
    if (d === null) return false;
    const r = deepestIn(p, allowReadSet);
    return r === null || !(r.length > d.length);
  };

  const cwd = realish(policy.cwd);
  if (readHidden(cwd)) {
    throw new SrtError(
      `The current directory "${cwd}" is hidden by a denyRead rule, so the command could not run in it. Add it (or a parent inside the denied area) to allowRead, or run srt from elsewhere. Nothing was run.`,
    );
  }

  for (const p of mandatoryProtected(policy, cwd, writable, notes)) protectedPaths.add(p);

  const mounts = new Map<string, Kind>();
  const add = (path: string, kind: Kind) => {
    const prev = mounts.get(path);
    if (prev === undefined || KIND_ORDER[kind] > KIND_ORDER[prev]) mounts.set(path, kind);
  };
  const protectedList = [...protectedPaths];
  /** An existing protected path at or above p (strictly above when `strict`). */
  const protectedAbove = (p: string, strict: boolean) => {
    for (let a = strict ? parentOf(p) : p; a !== null; a = parentOf(a)) {
      if (protectedPaths.has(a) && exists(a)) return true;
    }
    return false;
  };
  const activeWritable = writable.filter((w) => !readHidden(w) && !protectedAbove(w, false));
  const activeSet = new Set(activeWritable);
  for (const w of activeWritable) add(w, "bind");

  // Each directory between a writable root and a mounted path is bound onto
  // itself: a mount point cannot be renamed, so neither the path nor any
  // parent can be moved aside (and the path recreated unprotected, or a
  // read-denied file be found under a new name by the next run).
  // Directories inside a read-only protected path need no pin (and must not
  // get a read-write one), nor do hidden ones.
  const pinAncestors = (target: string, root: string) => {
    for (let a = parentOf(target); a !== null && a !== root && isInside(a, root); a = parentOf(a)) {
      if (!readHidden(a) && !protectedAbove(a, false)) add(a, "selfbind");
    }
  };

  const stubs: string[] = [];
  for (const p of protectedList) {
    if (readHidden(p) || protectedAbove(p, true)) continue;
    const root = deepestIn(p, activeSet);
    if (root === null) continue; // already read-only
    let target = p;
    let stub = false;
    if (!exists(p)) {
      // Stub the first missing component below the root, so nothing can be created there.
      target = root;
      for (const name of p.slice(root.length).split("/").filter(Boolean)) {
        target = target === "/" ? `/${name}` : `${target}/${name}`;
        if (!exists(target)) break;
      }
      if (!exists(parentOf(target) ?? "/")) continue;
      stub = true;
    }
    // A stub is an empty read-only file srt creates; bound onto itself it
    // reads as empty (so tools that look for e.g. ~/.gitconfig still work)
    // and blocks creating anything at that path.
    if (stub) stubs.push(target);
    pinAncestors(target, root);
    add(target, "ro-bind");
  }

  for (const d of denyRead) {
    const info = exists(d);
    if (!info) continue;
    const root = deepestIn(d, activeSet);
    if (root !== null && root !== d) pinAncestors(d, root);
    add(d, info.isDirectory ? "tmpfs" : "devnull");
  }
  for (const r of allowRead) {
    const d = deepestIn(r, denyReadSet);
    if (d === null || !(r.length > d.length)) continue;
    const writableHere = deepestIn(r, activeSet) !== null && !protectedAbove(r, false);
    add(r, writableHere ? "reopen-rw" : "reopen-ro");
  }

  const ordered = [...mounts.entries()].sort((a, b) =>
    depth(a[0]) - depth(b[0]) || KIND_ORDER[a[1]] - KIND_ORDER[b[1]] ||
    (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)
  );
  const args: string[] = [];
  const remount: string[] = [];
  for (const [path, kind] of ordered) {
    switch (kind) {
      case "bind":
      case "selfbind":
      case "reopen-rw":
        args.push("--bind", path, path);
        break;
      case "reopen-ro":
      case "ro-bind":
        args.push("--ro-bind", path, path);
        break;
      case "devnull":
        args.push("--ro-bind", "/dev/null", path);
        break;
      case "tmpfs":
        args.push("--perms", "0555", "--tmpfs", path);
        remount.push(path);
        break;
    }
  }
  for (const r of options.forcedReadOnly) args.push("--ro-bind", r, r);
  for (const w of options.forcedWritable) args.push("--bind", w, w);
  for (const path of remount) args.push("--remount-ro", path);
  return { args, stubs, notes };
}

/**
 * The mandatory protected paths that matter for these writable roots: at the
 * top of the current directory, `$HOME` and every writable root (existing or
 * not: missing ones get stubs), and existing ones deeper in the current
 * directory tree, to the search depth.
 */
function mandatoryProtected(
  policy: Policy,
  cwd: string,
  writable: readonly string[],
  notes: string[],
): string[] {
  const writableSomewhereIn = (dir: string) =>
    writable.some((w) => isInside(w, dir) || isInside(dir, w));
  const out: string[] = [];
  for (const dir of new Set([cwd, realish(policy.home), ...writable])) {
    if (writableSomewhereIn(dir)) out.push(...protectedPathsAt(dir));
  }
  if (writableSomewhereIn(cwd)) {
    const found = searchProtectedBelow(cwd, policy.filesystem.mandatoryDenySearchDepth);
    out.push(...found.paths);
    if (found.truncated) {
      notes.push(
        `srt: the protected-file search stopped after ${MANDATORY_VISIT_LIMIT} entries below "${cwd}"; deeper .git/hooks, .vscode, ... were not protected. Lower mandatoryDenySearchDepth or run from a smaller directory.`,
      );
    }
  }
  return out;
}
