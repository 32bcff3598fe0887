import { graphql } from "~/gql";

export const EnvironmentsPageDoc = graphql(`
  query EnvironmentsPage($teamId: ID!) {
    team(id: $teamId) { id myRole }
    environments(teamId: $teamId, first: 100) { nodes { id key name type } }
    approvalPolicies(teamId: $teamId) { id name enabled appliesTo environmentIds requiredApprovals }
  }
`);

export const CreateEnvironmentDoc = graphql(`
  mutation CreateEnvironment($input: CreateEnvironmentInput!) { createEnvironment(input: $input) { id key name type } }
`);

export const UpdateEnvironmentDoc = graphql(`
  mutation UpdateEnvironment($input: UpdateEnvironmentInput!) { updateEnvironment(input: $input) { id } }
`);

export const DeleteEnvironmentDoc = graphql(`
  mutation DeleteEnvironment($id: ID!) { deleteEnvironment(id: $id) { id key } }
`);

export const CreateProtectionDoc = graphql(`
  mutation CreateProtection($input: CreateApprovalPolicyInput!) { createApprovalPolicy(input: $input) { id } }
`);

export const UpdateProtectionDoc = graphql(`
  mutation UpdateProtection($input: UpdateApprovalPolicyInput!) { updateApprovalPolicy(input: $input) { id } }
`);

export const DeleteProtectionDoc = graphql(`
  mutation DeleteProtection($id: ID!) { deleteApprovalPolicy(id: $id) { id } }
`);

export const PipelinesPageDoc = graphql(`
  query PipelinesPage($teamId: ID!) {
    team(id: $teamId) { id myRole }
    pipelines(teamId: $teamId, first: 50) { nodes { id name description stages { id position environment { id key name type } } } }
    environments(teamId: $teamId, first: 100) { nodes { id key name type } }
  }
`);

export const CreatePipelineDoc = graphql(`
  mutation CreatePipeline($input: CreatePipelineInput!) { createPipeline(input: $input) { id } }
`);

export const UpdatePipelineDoc = graphql(`
  mutation UpdatePipeline($input: UpdatePipelineInput!) { updatePipeline(input: $input) { id } }
`);

export const DeletePipelineDoc = graphql(`
  mutation DeletePipeline($id: ID!) { deletePipeline(id: $id) { id name } }
`);

export const ContextsPageDoc = graphql(`
  query ContextsPage($teamId: ID!) {
    team(id: $teamId) { id myRole }
    contexts(teamId: $teamId, first: 100) { nodes { id key description attributes { name type description values } } }
  }
`);

export const CreateContextDoc = graphql(`
  mutation CreateContext($input: CreateContextInput!) { createContext(input: $input) { id } }
`);

export const UpdateContextDoc = graphql(`
  mutation UpdateContext($input: UpdateContextInput!) { updateContext(input: $input) { id } }
`);

export const DeleteContextDoc = graphql(`
  mutation DeleteContext($id: ID!) { deleteContext(id: $id) { id key } }
`);

export const SegmentsPageDoc = graphql(`
  query SegmentsPage($teamId: ID!) {
    team(id: $teamId) { id myRole }
    segments(teamId: $teamId, first: 100) {
      nodes {
        id key name description included excluded
        match { operator conditions { attribute operator value caseInsensitive } }
        usedBy { featureId featureKey }
      }
    }
    contexts(teamId: $teamId, first: 100) { nodes { attributes { name type values } } }
  }
`);

export const CreateSegmentDoc = graphql(`
  mutation CreateSegment($input: CreateSegmentInput!) { createSegment(input: $input) { id } }
`);

export const UpdateSegmentDoc = graphql(`
  mutation UpdateSegment($input: UpdateSegmentInput!) { updateSegment(input: $input) { id } }
`);

export const DeleteSegmentDoc = graphql(`
  mutation DeleteSegment($id: ID!) { deleteSegment(id: $id) { id key } }
`);

export const ImportExportPageDoc = graphql(`
  query ImportExportPage($teamId: ID!) {
    team(id: $teamId) { id name myRole }
    pipelines(teamId: $teamId, first: 50) { nodes { id name } }
    features(teamId: $teamId, first: 100) { nodes { id key name } }
  }
`);

export const ExportFeaturesDoc = graphql(`
  query ExportFeatures($teamId: ID!, $featureIds: [ID!]) { exportFeatures(teamId: $teamId, featureIds: $featureIds) }
`);

export const ImportFeaturesDoc = graphql(`
  mutation ImportFeatures($teamId: ID!, $pipelineId: ID!, $document: JSON!) {
    importFeatures(teamId: $teamId, pipelineId: $pipelineId, document: $document) {
      created skipped failed
      results { key status featureId notes error { code message } }
    }
  }
`);
