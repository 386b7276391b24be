/** What the `/login?error=oidc_…` codes of the SSO flow mean, in words for the sign-in page. */
export const SSO_ERROR_MESSAGES: Record<string, string> = {
  oidc_disabled: "Single sign-on is not enabled or not fully configured.",
  oidc_unavailable: "The identity provider could not be reached. Try again, or ask an administrator to check the SSO settings.",
  oidc_failed: "The sign-in answer from the identity provider could not be verified. Please try again.",
  oidc_denied: "The identity provider did not complete the sign-in (it was cancelled or refused).",
  oidc_not_allowed: "Your account is not allowed to use Pulse (allowed groups, domains or emails).",
  oidc_user_conflict: "Your SSO username belongs to a local Pulse account, so it cannot sign in through SSO.",
  oidc_user_disabled: "Your Pulse account is disabled.",
  oidc_invalid_claims: "The identity provider did not send a usable username.",
};

export function ssoErrorMessage(code: string | undefined): string | undefined {
  return code ? SSO_ERROR_MESSAGES[code] : undefined;
}
