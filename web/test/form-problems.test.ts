// Where the API's refusal is shown: the form field its extensions.field names (lib/form-problems.ts).
import { describe, expect, test } from "vitest";
import { problemField } from "../app/lib/form-problems";

describe("problemField", () => {
  test("drops the mutation's wrappers and the array index", () => {
    expect(problemField("input.webOrigins.0", ["name", "webOrigins"])).toBe("webOrigins");
    expect(problemField("input.defaults.percentages.1", ["name", "percentages"])).toBe("percentages");
    expect(problemField("variables.environmentIds", ["environmentIds"])).toBe("environmentIds");
    expect(problemField("name", ["name"])).toBe("name");
  });
  test("prefers the longest field the path starts with (a row of a list)", () => {
    expect(problemField("input.attributes.3.name", ["key", "attributes", "attributes.3"])).toBe("attributes.3");
    expect(problemField("input.attributes.7.name", ["key", "attributes", "attributes.3"])).toBe("attributes");
  });
  test("names no field when the form has none of that name: the refusal goes under the form", () => {
    expect(problemField("input.teamId", ["name", "description"])).toBeUndefined();
    expect(problemField("input", ["name"])).toBeUndefined();
    expect(problemField(undefined, ["name"])).toBeUndefined();
    expect(problemField("input.nameSuffix", ["name"])).toBeUndefined();
  });
});
