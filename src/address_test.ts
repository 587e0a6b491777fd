import { deepStrictEqual, equal } from "node:assert/strict";
import { canonicalIP, parseIPv6, restrictedAddressReason } from "./address.ts";

Deno.test("address: IPv4 numeric forms fold to a dotted quad", () => {
  for (const form of ["127.0.0.1", "127.1", "2130706433", "0x7f.1", "0177.0.0.1", "0x7f000001"]) {
    deepStrictEqual(canonicalIP(form), { family: 4, address: "127.0.0.1" }, form);
  }
  equal(canonicalIP("example.com"), null);
  equal(canonicalIP("1.2.3.4.5"), null);
});

Deno.test("address: IPv6 is compressed, mapped IPv4 folds to IPv4", () => {
  deepStrictEqual(canonicalIP("[0:0:0:0:0:0:0:1]"), { family: 6, address: "::1" });
  deepStrictEqual(canonicalIP("2001:DB8:0:0:1:0:0:1"), { family: 6, address: "2001:db8::1:0:0:1" });
  deepStrictEqual(canonicalIP("::ffff:10.0.0.1"), { family: 4, address: "10.0.0.1" });
  deepStrictEqual(canonicalIP("::ffff:a00:1"), { family: 4, address: "10.0.0.1" });
  equal(parseIPv6("1::2::3"), null);
  equal(parseIPv6("12345::"), null);
  equal(parseIPv6("1:2:3:4:5:6:7"), null);
});

Deno.test("address: restricted classes", () => {
  const table: Array<[string, string | null]> = [
    ["127.0.0.1", "loopback"],
    ["10.1.2.3", "private"],
    ["172.31.0.1", "private"],
    ["172.32.0.1", null],
    ["192.168.1.1", "private"],
    ["100.64.0.1", "carrier-grade NAT"],
    ["169.254.169.254", "cloud metadata"],
    ["169.254.1.1", "link-local"],
    ["0.0.0.0", "unspecified"],
    ["224.0.0.1", "multicast"],
    ["8.8.8.8", null],
    ["::1", "loopback"],
    ["::", "unspecified"],
    ["fd00:ec2::254", "cloud metadata"],
    ["fc00::1", "private"],
    ["fe80::1", "link-local"],
    ["ff02::1", "multicast"],
    ["::ffff:127.0.0.1", "loopback"],
    ["64:ff9b::7f00:1", "loopback"],
    ["2606:4700::1111", null],
  ];
  for (const [ip, want] of table) equal(restrictedAddressReason(ip), want, ip);
});
