import { equal } from "node:assert/strict";
import { isInside, parentOf, realish, resolvePath } from "./_paths.ts";

Deno.test("paths: resolve, parent, inside", () => {
  equal(resolvePath("/a/b", "c/../d/./e//"), "/a/b/d/e");
  equal(resolvePath("/a/b", "/x/../../y"), "/y");
  equal(resolvePath("/", "."), "/");
  equal(resolvePath("/a", ".."), "/");
  equal(parentOf("/a/b"), "/a");
  equal(parentOf("/a"), "/");
  equal(parentOf("/"), null);
  equal(isInside("/a/b", "/a"), true);
  equal(isInside("/ab", "/a"), false);
  equal(isInside("/a", "/"), true);
});

Deno.test("paths: realish follows dangling symlinks to where they point", () => {
  const dir = Deno.realPathSync(Deno.makeTempDirSync());
  try {
    Deno.symlinkSync(`${dir}/sub/target`, `${dir}/link`);
    Deno.symlinkSync("loop2", `${dir}/loop1`);
    Deno.symlinkSync("loop1", `${dir}/loop2`);
    equal(realish(`${dir}/link`), `${dir}/sub/target`);
    equal(realish(`${dir}/missing/x`), `${dir}/missing/x`);
    equal(realish(`${dir}/loop1`).startsWith(dir), true);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
