// Prints the admin API's schema as SDL into web/schema.graphql: the one source of truth the
// console's GraphQL documents are type-checked against (graphql-codegen reads this file).
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { lexicographicSortSchema, printSchema } from "graphql";
import { buildControlSchema } from "../../workers/admin/graphql/schema";

const target = fileURLToPath(new URL("../schema.graphql", import.meta.url));
writeFileSync(target, printSchema(lexicographicSortSchema(buildControlSchema())) + "\n");
