import { deepStrictEqual, equal, throws } from "node:assert/strict";
import { JsoncSyntaxError, parseJsonc } from "./jsonc.ts";

Deno.test("jsonc: values, positions, escapes", () => {
  const node = parseJsonc(`// c\n{"a": [1, -2.5e3, true, null, "x\\n\\u00e9"], /* b */ "b": {},}`);
  equal(node.type, "object");
  if (node.type !== "object") return;
  equal(node.properties[0].keyOffset, 6);
  const arr = node.properties[0].value;
  if (arr.type !== "array") throw new Error("not an array");
  deepStrictEqual(arr.items.map((i) => ("value" in i ? i.value : null)), [
    1,
    -2500,
    true,
    null,
    "x\né",
  ]);
});

Deno.test("jsonc: errors carry offsets", () => {
  throws(
    () => parseJsonc(`{"a" 1}`),
    (e: unknown) => e instanceof JsoncSyntaxError && e.offset === 5,
  );
  throws(
    () => parseJsonc(`"abc`),
    (e: unknown) => e instanceof JsoncSyntaxError && /unclosed string/.test(e.message),
  );
  throws(() => parseJsonc(`01`), JsoncSyntaxError);
  throws(() => parseJsonc(`"\\x"`), /invalid escape/);
});
