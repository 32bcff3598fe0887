// The governance gaps the other screens left: applying, cancelling and overriding approval requests,
// notification preferences and the caller's mobile number, signing key rotation, and the custom
// roles an approval policy makes eligible.
import { graphql } from "~/gql";

export const ApplyRequestDoc = graphql(`
  mutation ApplyRequest($requestId: ID!, $freezeOverrideReason: String) {
    applyApprovalRequest(requestId: $requestId, freezeOverrideReason: $freezeOverrideReason) { id status }
  }
`);

export const CancelRequestDoc = graphql(`
  mutation CancelRequest($id: ID!) { cancelApprovalRequest(id: $id) { id status } }
`);

export const OverrideRequestDoc = graphql(`
  mutation OverrideRequest($requestId: ID!, $reason: String!, $freezeOverrideReason: String) {
    adminOverrideApprove(requestId: $requestId, reason: $reason, freezeOverrideReason: $freezeOverrideReason) { id status }
  }
`);

export const ApprovalsRoleDoc = graphql(`
  query ApprovalsRole($teamId: ID!) {
    team(id: $teamId) { myRole }
    me { isSystemAdmin }
    approvalPolicies(teamId: $teamId) { id allowAdminOverride }
  }
`);

export const NotificationPreferencesDoc = graphql(`
  query NotificationPreferences($teamId: ID!) {
    notificationSettings(teamId: $teamId) { preferences { type webhook email sms } }
  }
`);

export const SetPreferenceDoc = graphql(`
  mutation SetPreference($teamId: ID!, $type: NotificationType!, $channel: NotificationChannel!, $enabled: Boolean!) {
    setNotificationPreference(teamId: $teamId, type: $type, channel: $channel, enabled: $enabled) { type webhook email sms }
  }
`);

export const SetMobileDoc = graphql(`
  mutation SetMobile($userId: ID!, $mobile: String) { setUserMobile(userId: $userId, mobile: $mobile) { userId mobile } }
`);

export const RotateSigningKeyDoc = graphql(`
  mutation RotateSigningKey { rotateSigningKey { kid retiredKids } }
`);

export const SetPolicyRolesDoc = graphql(`
  mutation SetPolicyRoles($policyId: ID!, $roleIds: [ID!]!) {
    setApprovalPolicyCustomRoles(policyId: $policyId, roleIds: $roleIds) { id eligibleCustomRoles { id } }
  }
`);

export const PolicyRolesDoc = graphql(`
  query PolicyRoles($teamId: ID!) {
    customRoles(teamId: $teamId) { id name }
    approvalPolicies(teamId: $teamId) { id eligibleCustomRoles { id } }
  }
`);
