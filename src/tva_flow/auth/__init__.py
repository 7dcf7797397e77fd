"""Identity: token validation (OIDC or the embedded directory), the Actor, the policy."""
