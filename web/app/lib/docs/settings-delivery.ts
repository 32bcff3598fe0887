// GraphQL documents of the delivery and governance settings: clients, approval policies, freeze
// windows, rollout templates and notification channels (typed against the API's schema by codegen).
import { graphql } from "~/gql";

// ------------------------------------------------------------------ clients

export const ClientsDoc = graphql(`
  query SettingsClients($teamId: ID!) {
    clients(teamId: $teamId, first: 100) {
      nodes { id name description kind enabled secretPrefix webOrigins createdAt rotatedAt environment { id name } }
    }
    team(id: $teamId) { myRole environments { id name key type } }
  }
`);

export const CreateClientDoc = graphql(`
  mutation SettingsCreateClient($input: CreateClientInput!) { createClient(input: $input) { secret client { id name } } }
`);

export const UpdateClientDoc = graphql(`
  mutation SettingsUpdateClient($input: UpdateClientInput!) { updateClient(input: $input) { id name enabled } }
`);

export const RotateClientDoc = graphql(`
  mutation SettingsRotateClient($id: ID!) { rotateClientSecret(id: $id) { secret client { id name } } }
`);

export const DeleteClientDoc = graphql(`
  mutation SettingsDeleteClient($id: ID!) { deleteClient(id: $id) { id name } }
`);

// ------------------------------------------------------------------ approval policies

export const ApprovalPoliciesDoc = graphql(`
  query SettingsApprovalPolicies($teamId: ID!) {
    approvalPolicies(teamId: $teamId) {
      id name appliesTo environmentIds requiredApprovals eligibleRoles eligibleUserIds enabled
      autoApproveAfterHours allowAdminOverride fallbackToRoles
    }
    team(id: $teamId) { myRole environments { id name key type } members(first: 100) { nodes { role user { id username displayName } } } }
  }
`);

export const ApprovalPreviewDoc = graphql(`
  query SettingsApprovalPreview($teamId: ID!, $environmentId: ID!, $changeType: ApprovalChangeType!) {
    approvalPolicyPreview(teamId: $teamId, environmentId: $environmentId, changeType: $changeType) {
      outcome reason requiredApprovals eligibleApproverIds
      policy { id name }
      freezeWindows { startsAt endsAt window { id name } }
    }
  }
`);

export const CreateApprovalPolicyDoc = graphql(`
  mutation SettingsCreateApprovalPolicy($input: CreateApprovalPolicyInput!) { createApprovalPolicy(input: $input) { id name } }
`);

export const UpdateApprovalPolicyDoc = graphql(`
  mutation SettingsUpdateApprovalPolicy($input: UpdateApprovalPolicyInput!) { updateApprovalPolicy(input: $input) { id name } }
`);

export const DeleteApprovalPolicyDoc = graphql(`
  mutation SettingsDeleteApprovalPolicy($id: ID!) { deleteApprovalPolicy(id: $id) { id name } }
`);

// ------------------------------------------------------------------ freeze windows

export const FreezeWindowsDoc = graphql(`
  query SettingsFreezeWindows($teamId: ID!) {
    freezeWindows(teamId: $teamId) { id name environmentId environmentType startsAt endsAt reason timezone recurrence }
    activeFreezeWindows(teamId: $teamId) { startsAt endsAt window { id } }
    team(id: $teamId) { myRole environments { id name key type } }
  }
`);

export const CreateFreezeWindowDoc = graphql(`
  mutation SettingsCreateFreezeWindow($input: CreateFreezeWindowInput!) { createFreezeWindow(input: $input) { id name } }
`);

export const UpdateFreezeWindowDoc = graphql(`
  mutation SettingsUpdateFreezeWindow($input: UpdateFreezeWindowInput!) { updateFreezeWindow(input: $input) { id name } }
`);

export const DeleteFreezeWindowDoc = graphql(`
  mutation SettingsDeleteFreezeWindow($id: ID!) { deleteFreezeWindow(id: $id) { id name } }
`);

// ------------------------------------------------------------------ rollout templates

export const RolloutTemplatesDoc = graphql(`
  query SettingsRolloutTemplates($teamId: ID!) {
    rolloutTemplates(teamId: $teamId) { id name description type system defaults }
    team(id: $teamId) { myRole environments { id name key type } }
    features(teamId: $teamId, first: 100) { nodes { id key } }
  }
`);

export const PreviewRolloutDoc = graphql(`
  query SettingsPreviewRollout($featureId: ID!, $templateId: ID, $variables: RolloutTemplateVariablesInput!) {
    previewRolloutTemplate(featureId: $featureId, templateId: $templateId, variables: $variables) {
      featureKey template { id name }
      environments {
        environmentId environmentKey mode approvalReason frozen rules { name serve } replacedRuleCount offVariant
        scheduledSteps { runAt percentage } manualSteps { runAt percentage } deploy notes
      }
    }
  }
`);

export const ApplyRolloutDoc = graphql(`
  mutation SettingsApplyRollout($featureId: ID!, $templateId: ID, $variables: RolloutTemplateVariablesInput!) {
    applyRolloutTemplate(featureId: $featureId, templateId: $templateId, variables: $variables) {
      featureKey
      environments { plan { environmentKey } status deployed approvalRequestId error { code message } }
    }
  }
`);

export const CreateRolloutTemplateDoc = graphql(`
  mutation SettingsCreateRolloutTemplate($input: CreateRolloutTemplateInput!) { createRolloutTemplate(input: $input) { id name } }
`);

export const UpdateRolloutTemplateDoc = graphql(`
  mutation SettingsUpdateRolloutTemplate($input: UpdateRolloutTemplateInput!) { updateRolloutTemplate(input: $input) { id name } }
`);

export const DeleteRolloutTemplateDoc = graphql(`
  mutation SettingsDeleteRolloutTemplate($id: ID!) { deleteRolloutTemplate(id: $id) { id name } }
`);

// ------------------------------------------------------------------ notification channels

export const NotificationSettingsDoc = graphql(`
  query SettingsNotifications($teamId: ID!) {
    notificationSettings(teamId: $teamId) {
      channels { channel configured enabled format endpoint from accountSid fromNumber updatedAt secrets { name configured preview } }
    }
    notificationDeliveries(teamId: $teamId, first: 10) {
      nodes { id channel type status subject attempts lastError recipients createdAt sentAt }
    }
  }
`);

export const ConfigureWebhookDoc = graphql(`
  mutation SettingsConfigureWebhook($teamId: ID!, $input: WebhookChannelInput!) { configureWebhookChannel(teamId: $teamId, input: $input) { channel } }
`);

export const ConfigureEmailDoc = graphql(`
  mutation SettingsConfigureEmail($teamId: ID!, $input: EmailChannelInput!) { configureEmailChannel(teamId: $teamId, input: $input) { channel } }
`);

export const ConfigureSmsDoc = graphql(`
  mutation SettingsConfigureSms($teamId: ID!, $input: SmsChannelInput!) { configureSmsChannel(teamId: $teamId, input: $input) { channel } }
`);

export const RemoveChannelDoc = graphql(`
  mutation SettingsRemoveChannel($teamId: ID!, $channel: NotificationChannel!) { removeNotificationChannel(teamId: $teamId, channel: $channel) }
`);

export const TestNotificationDoc = graphql(`
  mutation SettingsTestNotification($teamId: ID!, $channel: NotificationChannel!) {
    sendTestNotification(teamId: $teamId, channel: $channel) { id status attempts lastError recipients sentAt }
  }
`);
