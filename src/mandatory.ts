/**
 * Paths that stay write-protected even inside writable directories, on every
 * platform: shell start-up files, git hooks and config, editor and agent
 * settings that other programs execute.
 * @module
 */

/** Files protected in the current directory tree and in `$HOME`. */
export const PROTECTED_FILES: readonly string[] = [
  ".bashrc",
  ".bash_profile",
  ".zshrc",
  ".zprofile",
  ".profile",
  ".gitconfig",
  ".gitmodules",
  ".ripgreprc",
  ".mcp.json",
];

/** Directories protected (with everything inside) in the current directory tree and in `$HOME`. */
export const PROTECTED_DIRS: readonly string[] = [
  ".vscode",
  ".idea",
  ".claude/commands",
  ".claude/agents",
];

/** Paths inside a git directory that are protected; the rest of `.git` stays writable. */
export const PROTECTED_GIT_PATHS: readonly string[] = ["hooks", "config"];

import { readDirOrEmpty, realish } from "./_paths.ts";

/** Directory entries the protected-file search visits at most. */
export const MANDATORY_VISIT_LIMIT = 20_000;

/** Directories the protected-file search does not descend into. */
const SEARCH_SKIP = new Set(["node_modules", ".git"]);

/**
 * The protected paths directly in `dir`, whether they exist or not, plus the
 * hooks and config of the git directory `dir/.git` stands for (and a
 * worktree's `.git` file itself). Real paths.
 */
export function protectedPathsAt(dir: string): string[] {
  const out = [...PROTECTED_FILES, ...PROTECTED_DIRS].map((name) => `${dir}/${name}`);
  const dotGit = `${dir}/.git`;
  try {
    if (Deno.lstatSync(dotGit).isFile) out.push(dotGit);
  } catch {
    // no .git here
  }
  for (const gd of gitDirsOf(dotGit)) out.push(...gitProtected(realish(gd)));
  return out.map(realish);
}

/**
 * Hooks and config of a git directory, and of the submodule repositories
 * kept inside it (`modules/<name>/`, nested), which git runs as well.
 */
function gitProtected(gitDir: string): string[] {
  const out = PROTECTED_GIT_PATHS.map((name) => `${gitDir}/${name}`);
  // Submodule names may hold slashes (`modules/libs/foo`): a directory with a
  // HEAD file is a repository, anything else is part of a name.
  const walk = (dir: string, level: number) => {
    if (level > 6) return;
    for (const e of readDirOrEmpty(dir)) {
      if (!e.isDirectory) continue;
      const sub = `${dir}/${e.name}`;
      let isRepo = false;
      try {
        isRepo = Deno.statSync(`${sub}/HEAD`).isFile;
      } catch {
        // not a repository
      }
      if (isRepo) {
        for (const name of PROTECTED_GIT_PATHS) out.push(`${sub}/${name}`);
        walk(`${sub}/modules`, level + 1);
      } else {
        walk(sub, level + 1);
      }
    }
  };
  walk(`${gitDir}/modules`, 1);
  return out;
}

/**
 * Existing protected paths below `root`, from its subdirectories down to
 * `depth` levels (entries of `root` itself are level 1 and left to
 * {@link protectedPathsAt}). `node_modules` and `.git` are not descended.
 */
export function searchProtectedBelow(
  root: string,
  depth: number,
  limit: number = MANDATORY_VISIT_LIMIT,
): { paths: string[]; truncated: boolean } {
  const out: string[] = [];
  let visited = 0;
  const walk = (dir: string, level: number) => {
    if (level > depth || visited > limit) return;
    for (const e of readDirOrEmpty(dir)) {
      if (++visited > limit) return;
      const path = `${dir}/${e.name}`;
      if (level > 1) {
        if (PROTECTED_FILES.includes(e.name) || PROTECTED_DIRS.includes(e.name)) out.push(path);
        if (e.name === ".claude") {
          for (const sub of PROTECTED_DIRS) {
            if (sub.startsWith(".claude/")) out.push(`${dir}/${sub}`);
          }
        }
        if (e.name === ".git") {
          if (e.isFile) out.push(path);
          for (const gd of gitDirsOf(path)) out.push(...gitProtected(realish(gd)));
        }
      }
      if (e.isDirectory && !SEARCH_SKIP.has(e.name)) walk(path, level + 1);
    }
  };
  walk(root, 1);
  return { paths: out.map(realish), truncated: visited > limit };
}

/**
 * The git directories a `.git` entry stands for: itself when it is a
 * directory; for a worktree's `.git` file, the directory it points to and
 * that directory's common directory.
 */
export function gitDirsOf(dotGit: string): string[] {
  let info: Deno.FileInfo;
  try {
    info = Deno.statSync(dotGit);
  } catch {
    return [];
  }
  if (info.isDirectory) return [dotGit];
  if (!info.isFile) return [];
  let text: string;
  try {
    text = Deno.readTextFileSync(dotGit);
  } catch {
    return [];
  }
  const m = /^gitdir:\s*(.+?)\s*$/m.exec(text);
  if (!m) return [];
  const base = dotGit.slice(0, dotGit.lastIndexOf("/")) || "/";
  const gitDir = m[1].startsWith("/") ? m[1] : `${base}/${m[1]}`;
  const dirs = [gitDir];
  try {
    const common = Deno.readTextFileSync(`${gitDir}/commondir`).trim();
    dirs.push(common.startsWith("/") ? common : `${gitDir}/${common}`);
  } catch {
    // not a linked worktree
  }
  return dirs;
}
