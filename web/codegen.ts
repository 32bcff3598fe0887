// Types the console's GraphQL documents (graphql(`...`) calls in app/) against the admin API's schema
// (schema.graphql, printed from workers/admin/graphql/schema.ts by scripts/print-schema.ts). A
// document the schema no longer supports fails here; a changed result type fails `tsc`.
import type { CodegenConfig } from "@graphql-codegen/cli";

const config: CodegenConfig = {
  schema: "schema.graphql",
  documents: ["app/**/*.ts", "app/**/*.tsx", "!app/gql/**"],
  ignoreNoDocuments: false,
  generates: {
    "app/gql/": {
      preset: "client",
      presetConfig: { fragmentMasking: false },
      config: {
        documentMode: "string",
        enumsAsTypes: true,
        useTypeImports: true,
        scalars: { DateTime: "string", JSON: "unknown" },
      },
    },
  },
};
export default config;
