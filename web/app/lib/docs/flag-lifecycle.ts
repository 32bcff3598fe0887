import { graphql } from "~/gql";

export const ArchiveFeatureDoc = graphql(`
  mutation ArchiveFeature($id: ID!, $freezeOverrideReason: String) { archiveFeature(id: $id, freezeOverrideReason: $freezeOverrideReason) { id lifecycle } }
`);

export const DeleteFeatureDoc = graphql(`
  mutation DeleteFeature($id: ID!, $freezeOverrideReason: String) { deleteFeature(id: $id, freezeOverrideReason: $freezeOverrideReason) { id key } }
`);

export const UpdateVariantDoc = graphql(`
  mutation UpdateVariant($input: UpdateFeatureVariantInput!) { updateFeatureVariant(input: $input) { id key value description } }
`);

export const DeleteVariantDoc = graphql(`
  mutation DeleteVariant($id: ID!) { deleteFeatureVariant(id: $id) { id key } }
`);
