import { equal } from "node:assert/strict";
import { isInside, parentOf, resolvePath } from "./_paths.ts";

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
