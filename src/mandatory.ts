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
