// The Settings screens for people and access: teams, users and memberships, custom roles,
// automation tokens, and the signed-in user's account.
import { graphql } from "~/gql";

export const TeamsSettingsDoc = graphql(`
  query TeamsSettings {
    teams(first: 100) { nodes { id name description myRole createdAt members(first: 1) { totalCount } } totalCount }
  }
`);

export const CreateTeamDoc = graphql(`
  mutation CreateTeam($input: CreateTeamInput!) { createTeam(input: $input) { id name } }
`);

export const UpdateTeamDoc = graphql(`
  mutation UpdateTeam($id: ID!, $input: UpdateTeamInput!) { updateTeam(id: $id, input: $input) { id name description } }
`);

export const DeleteTeamDoc = graphql(`
  mutation DeleteTeam($id: ID!) { deleteTeam(id: $id) }
`);

export const TeamMembersDoc = graphql(`
  query TeamMembers($teamId: ID!) {
    team(id: $teamId) {
      id name myRole
      members(first: 100) { totalCount nodes { role createdAt user { id username displayName email enabled } } }
    }
  }
`);

export const AllUsersDoc = graphql(`
  query AllUsers($after: String) {
    users(first: 100, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes { id username displayName email enabled isSystemAdmin mustChangePassword lastLoginAt memberships { role team { id name } } }
    }
  }
`);

export const CreateUserDoc = graphql(`
  mutation CreateUser($input: CreateUserInput!) { createUser(input: $input) { id username } }
`);

export const UpdateUserDoc = graphql(`
  mutation UpdateUser($id: ID!, $input: UpdateUserInput!) { updateUser(id: $id, input: $input) { id enabled displayName email } }
`);

export const DisableUserDoc = graphql(`
  mutation DisableUser($id: ID!) { disableUser(id: $id) { id enabled } }
`);

export const SetTemporaryPasswordDoc = graphql(`
  mutation SetTemporaryPassword($id: ID!, $password: String!) { setTemporaryPassword(id: $id, temporaryPassword: $password) { id mustChangePassword } }
`);

export const AddMemberDoc = graphql(`
  mutation AddMember($input: AddTeamMemberInput!) { addTeamMember(input: $input) { role user { id username } } }
`);

export const SetMemberRoleDoc = graphql(`
  mutation SetMemberRole($teamId: ID!, $userId: ID!, $role: TeamRole!) { setMemberRole(teamId: $teamId, userId: $userId, role: $role) { role } }
`);

export const RemoveMemberDoc = graphql(`
  mutation RemoveMember($teamId: ID!, $userId: ID!) { removeTeamMember(teamId: $teamId, userId: $userId) }
`);

export const CustomRolesDoc = graphql(`
  query CustomRoles($teamId: ID!) {
    customRoles(teamId: $teamId) { id name description memberIds }
    approvalPolicies(teamId: $teamId) { id name enabled eligibleCustomRoles { id } }
    team(id: $teamId) { id myRole members(first: 100) { nodes { user { id username displayName } } } }
  }
`);

export const CreateCustomRoleDoc = graphql(`
  mutation CreateCustomRole($input: CreateCustomRoleInput!) { createCustomRole(input: $input) { id } }
`);

export const UpdateCustomRoleDoc = graphql(`
  mutation UpdateCustomRole($input: UpdateCustomRoleInput!) { updateCustomRole(input: $input) { id } }
`);

export const DeleteCustomRoleDoc = graphql(`
  mutation DeleteCustomRole($id: ID!) { deleteCustomRole(id: $id) { id } }
`);

export const AssignCustomRoleDoc = graphql(`
  mutation AssignCustomRole($roleId: ID!, $userId: ID!) { assignCustomRole(roleId: $roleId, userId: $userId) { id memberIds } }
`);

export const UnassignCustomRoleDoc = graphql(`
  mutation UnassignCustomRole($roleId: ID!, $userId: ID!) { unassignCustomRole(roleId: $roleId, userId: $userId) { id memberIds } }
`);

export const AutomationTokensDoc = graphql(`
  query AutomationTokens($teamId: ID!) {
    automationTokens(teamId: $teamId, first: 100) { nodes { id name tokenPrefix scopes createdAt expiresAt lastUsedAt revokedAt } }
  }
`);

export const CreateAutomationTokenDoc = graphql(`
  mutation CreateAutomationToken($input: CreateAutomationTokenInput!) {
    createAutomationToken(input: $input) { token automationToken { id name } }
  }
`);

export const RevokeAutomationTokenDoc = graphql(`
  mutation RevokeAutomationToken($id: ID!) { revokeAutomationToken(id: $id) { id revokedAt } }
`);

export const AccountDoc = graphql(`
  query Account {
    me { id username displayName email isSystemAdmin memberships { role team { id name } } }
    mySessions { id startedAt lastActiveAt expiresAt current }
  }
`);

export const RevokeSessionDoc = graphql(`
  mutation RevokeSession($id: ID!) { revokeSession(id: $id) }
`);

export const RevokeOtherSessionsDoc = graphql(`
  mutation RevokeOtherSessions { revokeOtherSessions }
`);
