// The seed README's "Feature Variant Operations" GraphQL examples, verbatim except for the ids
// ("feature-uuid-here" / "criteria-uuid-here" replaced by real ones), with the meanings that text
// gives them.
import { beforeEach, describe, expect, it } from "vitest";
import { DEMO_FEATURE_IDS, demoRuleId, demoStageId } from "../../../db/seed/demo-data";
import { as, ok, pristine } from "./support/config";

const CREATE_VARIANT = (featureId: string) => `mutation {
  createFeatureVariant(input: {
    featureId: "${featureId}"
    control: "variant-a"
    value: "{\\"color\\": \\"blue\\", \\"size\\": \\"large\\"}"
    valueType: JSON
    description: "Blue large button variant"
  }) {
    id
    control
    value
    valueType
    description
  }
}`;

const QUERY_VARIANTS = (featureId: string) => `query {
  feature(id: "${featureId}") {
    id
    key
    variants {
      id
      control
      value
      valueType
      description
    }
  }
}`;

const UPDATE_CRITERIA = (ruleId: string) => `mutation {
  updateStageCriteria(input: {
    id: "${ruleId}"
    priority: 0
    serve: "variant-a"
    enabled: true
    rolloutPercentage: 50
  }) {
    id
    priority
    serve
    enabled
  }
}`;

beforeEach(pristine);

describe("seed README: Feature Variant Operations", () => {
  it("Create Feature Variant adds a JSON variant to a JSON feature and returns it", async () => {
    const created = ok(await as("teamadmin", CREATE_VARIANT(DEMO_FEATURE_IDS.homepage_layout))).createFeatureVariant;
    expect(created).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/), control: "variant-a", value: '{"color":"blue","size":"large"}',
      valueType: "JSON", description: "Blue large button variant",
    });
  });

  it("Query Feature Variants lists the stored variants in order with JSON-encoded values", async () => {
    const created = ok(await as("requester", CREATE_VARIANT(DEMO_FEATURE_IDS.homepage_layout))).createFeatureVariant;
    const { feature } = ok(await as("viewer", QUERY_VARIANTS(DEMO_FEATURE_IDS.homepage_layout)));
    expect(feature).toEqual({
      id: DEMO_FEATURE_IDS.homepage_layout, key: "homepage_layout",
      variants: [
        { id: expect.any(String), control: "classic", value: '{"hero":"banner","columns":2}', valueType: "JSON", description: "" },
        { id: expect.any(String), control: "modern", value: '{"hero":"video","columns":3}', valueType: "JSON", description: "" },
        created,
      ],
    });
  });

  it("Update Stage Criteria sets priority, the served variant and a 50% rollout on a rule", async () => {
    const ruleId = demoRuleId("checkout_button_text", "development");
    const answer = ok(await as("teamadmin", UPDATE_CRITERIA(ruleId))).updateStageCriteria;
    expect(answer).toEqual({ id: ruleId, priority: 0, serve: "variant-a", enabled: true });
    const detail = ok(await as("viewer", `query($id: ID!) { featureStage(id: $id) { rules { id serve rolloutPercentage serveSpec { kind variant percentage } } } }`,
      { id: demoStageId("checkout_button_text", "development") }));
    expect(detail.featureStage.rules).toEqual([{
      id: ruleId, serve: "variant-a", rolloutPercentage: 50, serveSpec: { kind: "rollout", variant: "variant-a", percentage: 50 },
    }]);
  });

  it("a JSON value given to a feature of another type is BAD_USER_INPUT on valueType", async () => {
    const answer = await as("teamadmin", CREATE_VARIANT(DEMO_FEATURE_IDS.checkout_button_text));
    expect(answer.errors?.map((e) => e.extensions)).toEqual([{ code: "BAD_USER_INPUT", field: "input.valueType" }]);
  });
});
