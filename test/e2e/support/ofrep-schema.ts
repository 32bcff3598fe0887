// Validates HTTP responses against the OFREP OpenAPI document (test/fixtures/ofrep-openapi.yaml,
// a copy of open-feature/protocol service/openapi.yaml 0.3.0): the response schema is looked up by
// path template, method and status, exactly as the spec declares it.
//
// The published document cannot be used verbatim, because some of its schemas reject every response
// they describe. The errata below are the minimal, named corrections; each asserts the defect is still
// present, so an updated fixture that fixes one fails loudly instead of being silently re-patched.
//
// Runs in Node (e2e) and inside workerd (the workers tests): the spec comes in as a raw module
// import, and @cfworker/json-schema validates without generating code (workerd forbids eval,
// which rules out Ajv there).
import { Validator, type Schema } from "@cfworker/json-schema";
import { parse } from "yaml";
import specText from "../../fixtures/ofrep-openapi.yaml?raw";

type Json = Record<string, unknown>;


export interface ExchangeToCheck {
  method: string;
  url: URL;
  status: number;
  responseHeaders: Headers;
  responseText: string;
}

export interface OfrepCheck {
  /** False when the path is not an OFREP operation (e.g. /evaluate, /health). */
  covered: boolean;
  /** Which response of the spec was applied, e.g. "POST /ofrep/v1/evaluate/flags/{key} 404". */
  against?: string;
  errors: string[];
}

interface Erratum {
  why: string;
  apply(schemas: Record<string, Json>): void;
}

/** Corrections to the published OFREP 0.3.0 schemas; see the module comment. */
export const OFREP_ERRATA: readonly Erratum[] = [
  {
    why:
      "codeDefaultFlag is `type: object, properties: {}`, which every response matches, so the value " +
      "`oneOf` can never have exactly one match; its description says it is the shape with no `value`",
    apply(schemas) {
      const codeDefault = schemas["codeDefaultFlag"];
      must(codeDefault && codeDefault["not"] === undefined && codeDefault["required"] === undefined, "codeDefaultFlag");
      codeDefault!["not"] = { required: ["value"] };
    },
  },
  {
    why:
      "integerFlag (`integer`) and floatFlag (`number`) both match any integer value, so the value " +
      "`oneOf` rejects every integer; it has to be an `anyOf`",
    apply(schemas) {
      const branch = valueBranch(schemas);
      must(Array.isArray(branch["oneOf"]), "evaluationSuccess value oneOf");
      branch["anyOf"] = branch["oneOf"];
      delete branch["oneOf"];
    },
  },
  {
    why:
      "the reason enum omits DEFAULT, the OpenFeature standard reason for 'no rule matched, default " +
      "variant served' (the FluxGate contract's reason, and the one OFREP ADR-0006's own example uses)",
    apply(schemas) {
      const reason = reasonSchema(schemas);
      const values = reason["enum"];
      must(Array.isArray(values) && !values.includes("DEFAULT"), "evaluationSuccess reason enum");
      (values as string[]).push("DEFAULT");
    },
  },
];

function must(condition: unknown, what: string): asserts condition {
  if (!condition) throw new Error(`OFREP erratum no longer applies to ${what}: re-check the fixture`);
}

function valueBranch(schemas: Record<string, Json>): Json {
  const allOf = schemas["evaluationSuccess"]?.["allOf"] as Json[] | undefined;
  const branch = allOf?.find((part) => "oneOf" in part || "anyOf" in part);
  must(branch, "evaluationSuccess allOf");
  return branch;
}

function reasonSchema(schemas: Record<string, Json>): Json {
  const allOf = schemas["evaluationSuccess"]?.["allOf"] as Json[] | undefined;
  const props = allOf?.find((part) => "properties" in part)?.["properties"] as Record<string, Json> | undefined;
  must(props?.["reason"], "evaluationSuccess reason");
  return props["reason"];
}

interface Operation {
  responses: Record<string, { content?: Record<string, { schema?: Json }> }>;
}

interface LoadedSpec {
  paths: { template: string; pattern: RegExp; methods: Record<string, Operation> }[];
  /** The component schemas (errata applied), with references rewritten to `#/$defs/X`. */
  defs: Json;
  compiled: Map<string, Validator>;
}

let loaded: LoadedSpec | undefined;

function load(): LoadedSpec {
  if (loaded) return loaded;
  const spec = parse(specText) as { paths: Record<string, Record<string, Operation>>; components: Json };
  const schemas = spec.components["schemas"] as Record<string, Json>;
  for (const erratum of OFREP_ERRATA) erratum.apply(schemas);
  const paths = Object.entries(spec.paths).map(([template, methods]) => ({
    template,
    pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, "[^/]+")}$`),
    methods,
  }));
  loaded = { paths, defs: rebase(schemas) as Json, compiled: new Map() };
  return loaded;
}

const COMPONENT_REF = "#/components/schemas/";

/** Points the spec's `#/components/schemas/X` references at `#/$defs/X` of the schema they are embedded in. */
function rebase(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map((item) => rebase(item));
  if (schema && typeof schema === "object") {
    return Object.fromEntries(
      Object.entries(schema).map(([k, v]) => [
        k,
        k === "$ref" && typeof v === "string" && v.startsWith(COMPONENT_REF) ? `#/$defs/${v.slice(COMPONENT_REF.length)}` : rebase(v),
      ]),
    );
  }
  return schema;
}

export interface CheckOptions {
  /**
   * Methods and statuses the spec does not list for the path (405 for other methods, 413, 415, 500,
   * 503: HTTP-level conditions OFREP leaves open) are errors by default; "skip" leaves them to the
   * caller's own assertions (the workers tests' shared request helper, which sees every request).
   */
  unspecifiedStatus?: "error" | "skip";
}

/** Checks one HTTP exchange against the OFREP operation it hit. */
export function checkOfrepResponse(exchange: ExchangeToCheck, options: CheckOptions = {}): OfrepCheck {
  const spec = load();
  const pathEntry = spec.paths.find((p) => p.pattern.test(exchange.url.pathname));
  if (!pathEntry) return { covered: false, errors: [] };
  const method = exchange.method.toLowerCase();
  const against = `${exchange.method.toUpperCase()} ${pathEntry.template} ${exchange.status}`;
  const operation = pathEntry.methods[method];
  if (!operation) {
    return { covered: true, against, errors: options.unspecifiedStatus === "skip" ? [] : [`the spec defines no ${method.toUpperCase()} on ${pathEntry.template}`] };
  }
  const response = operation.responses[String(exchange.status)];
  if (!response) {
    return { covered: true, against, errors: options.unspecifiedStatus === "skip" ? [] : [`status ${exchange.status} is not a response the spec defines here`] };
  }

  const schema = response.content?.["application/json"]?.schema;
  if (!schema) {
    // 304 must carry no body; 401/403/429 bodies are not specified, so there is nothing to validate.
    const errors = exchange.status === 304 && exchange.responseText !== "" ? ["a 304 must not carry a body"] : [];
    return { covered: true, against, errors };
  }

  const errors: string[] = [];
  const contentType = exchange.responseHeaders.get("content-type") ?? "";
  if (!/^application\/json\b/i.test(contentType)) errors.push(`content-type is "${contentType}", expected application/json`);
  let body: unknown;
  try {
    body = JSON.parse(exchange.responseText);
  } catch {
    return { covered: true, against, errors: [...errors, `the body is not JSON: ${exchange.responseText.slice(0, 200)}`] };
  }
  let validator = spec.compiled.get(against);
  if (!validator) {
    // Every component travels along as $defs, so the response schema resolves its references itself.
    validator = new Validator({ ...(rebase(schema) as Json), $defs: spec.defs } as Schema, "2020-12", false);
    spec.compiled.set(against, validator);
  }
  const result = validator.validate(body);
  if (!result.valid) {
    for (const e of result.errors) errors.push(`${e.instanceLocation.replace(/^#/, "") || "/"} ${e.error} (${e.keywordLocation})`);
  }
  return { covered: true, against, errors };
}

/** Throws with the body and every violation when an OFREP response does not conform. */
export function assertOfrepConformant(exchange: ExchangeToCheck, options: CheckOptions = {}): OfrepCheck {
  const check = checkOfrepResponse(exchange, options);
  if (check.errors.length > 0) {
    throw new Error(
      `${check.against} does not conform to the OFREP spec:\n  ${check.errors.join("\n  ")}\nbody: ${exchange.responseText.slice(0, 2000)}`,
    );
  }
  return check;
}
