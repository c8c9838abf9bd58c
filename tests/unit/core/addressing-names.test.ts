import { describe, expect, it } from "vitest";
import { addressedText } from "../../../src/addressing.js";

// The pattern for a set of names is built once and reused; a new nick must still be heard, and an old one no longer.
describe("addressedText across name changes", () => {
  it("follows the names it is given on each call, not the ones it saw first", () => {
    expect(addressedText("stocktake: stock", ["stocktake"])).toBe("stock");
    expect(addressedText("stocktak_: stock", ["stocktake"])).toBeUndefined();
    expect(addressedText("stocktak_: stock", ["stocktak_", "stocktake"])).toBe("stock");
    expect(addressedText("stocktake, stock", ["stocktak_", "stocktake"])).toBe("stock");
    expect(addressedText("stocktak_: stock", ["stocktake"])).toBeUndefined();
    expect(addressedText("a.b: stock", ["a.b"])).toBe("stock");
    expect(addressedText("axb: stock", ["a.b"])).toBeUndefined();
    expect(addressedText("anyone: stock", [])).toBeUndefined();
  });
});
