import { graphql } from "~/gql";

export const BootstrapStatusDoc = graphql(`
  query BootstrapStatus { bootstrapStatus { needsBootstrap } }
`);

export const LoginDoc = graphql(`
  mutation Login($input: LoginInput!) {
    login(input: $input) { accessToken accessTokenExpiresAt refreshToken mustChangePassword }
  }
`);

export const BootstrapAdminDoc = graphql(`
  mutation BootstrapAdmin($input: BootstrapAdminInput!) { bootstrapAdmin(input: $input) { id } }
`);

export const ChangePasswordDoc = graphql(`
  mutation ChangePassword($input: ChangePasswordInput!) { changePassword(input: $input) { id mustChangePassword } }
`);

export const LogoutDoc = graphql(`
  mutation Logout { logout }
`);

export const MeDoc = graphql(`
  query Me {
    me {
      id username displayName email isSystemAdmin mustChangePassword
      memberships { role team { id name } }
    }
  }
`);

/** The signed-in shell in one call: the user and the teams they can see. */
export const ShellDoc = graphql(`
  query Shell {
    me { id username displayName email isSystemAdmin mustChangePassword }
    teams(first: 100) { nodes { id name myRole } }
  }
`);
