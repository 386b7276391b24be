/**
 * What Pulse does with an identity the IdP vouched for: read the username, email and
 * groups from the (already verified) claims, apply the allowed groups/domains/emails,
 * create or update the SSO user, sync the roles its groups map to, and open a 24 h
 * session. Each outcome is audited (`oidc_login`, `oidc_login_failed`).
 */
import { recordAuditEvent } from "../../audit/record";
import type { Db } from "../../db/client";
import { createSession, type IssuedSession } from "../sessions";
import { markLogin, upsertUser } from "../users";
import type { OidcConfig } from "./config";

/** Pulse's OIDC sessions last 24 h and do not slide. */
export const OIDC_SESSION_TTL_MS = 24 * 3600_000;
const PATH = "/api/oidc/callback";
const MAX_USERNAME_LENGTH = 256;

export type Claims = Record<string, unknown>;

export interface OidcIdentity {
  subject: string;
  username: string;
  email?: string;
  /** false only when the IdP says the email is unverified */
  emailVerified: boolean;
  groups: string[];
}

/** Why a sign-in was refused; the code goes to `/login?error=<code>`. */
export type OidcRefusal = { code: "oidc_invalid_claims" | "oidc_not_allowed" | "oidc_user_conflict" | "oidc_user_disabled"; reason: string; username?: string };

/** A claim by name, or by a dotted path into nested objects (`realm_access.roles`). */
export function claimValue(claims: Claims, name: string): unknown {
  if (name in claims) return claims[name];
  let value: unknown = claims;
  for (const part of name.split(".")) {
    if (!value || typeof value !== "object" || !(part in value)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

const text = (v: unknown): string | undefined => (typeof v === "string" && v.trim() !== "" ? v.trim() : undefined);

function groupsOf(value: unknown): string[] {
  if (Array.isArray(value)) return [...new Set(value.filter((g): g is string => typeof g === "string" && g !== ""))];
  const single = text(value);
  return single ? [single] : [];
}

/** The identity in a set of claims: username from the configured claim, then email, then `sub`. */
export function identityFromClaims(claims: Claims, config: Pick<OidcConfig, "usernameClaim" | "emailClaim" | "groupsClaim">): OidcIdentity | OidcRefusal {
  const subject = text(claims.sub);
  if (!subject) return { code: "oidc_invalid_claims", reason: "the ID token has no subject" };
  const email = text(claimValue(claims, config.emailClaim))?.toLowerCase();
  const username = text(claimValue(claims, config.usernameClaim)) ?? email ?? subject;
  // eslint-disable-next-line no-control-regex
  if (username.length > MAX_USERNAME_LENGTH || /[\x00-\x1f\x7f]/.test(username)) {
    return { code: "oidc_invalid_claims", reason: "the username claim is not a usable name" };
  }
  return { subject, username, email, emailVerified: claims.email_verified !== false, groups: groupsOf(claimValue(claims, config.groupsClaim)) };
}

/**
 * The allow lists (each one that is set must pass): a group in `allowedGroups`, an email
 * domain in `allowedDomains`, the address in `allowedEmails`. An email the IdP marks as
 * unverified does not satisfy a domain or address rule.
 */
export function checkAllowLists(identity: OidcIdentity, config: Pick<OidcConfig, "allowedGroups" | "allowedDomains" | "allowedEmails">): string | undefined {
  if (config.allowedGroups.length && !identity.groups.some((g) => config.allowedGroups.includes(g))) {
    return `not in an allowed group (has: ${identity.groups.join(", ") || "none"})`;
  }
  const needsEmail = config.allowedDomains.length > 0 || config.allowedEmails.length > 0;
  if (needsEmail && (!identity.email || !identity.emailVerified)) return identity.email ? "email address is not verified" : "no email address in the claims";
  if (config.allowedDomains.length && !config.allowedDomains.includes(identity.email!.split("@").pop() ?? "")) {
    return `email domain not allowed (${identity.email})`;
  }
  if (config.allowedEmails.length && !config.allowedEmails.includes(identity.email!)) return `email address not allowed (${identity.email})`;
  return undefined;
}

/**
 * Makes the user's SSO-granted roles match their groups: mapped roles are added (source
 * `oidc-group`), previously group-granted roles that no longer apply are removed, manual
 * assignments are left alone. With no mapping matched and no manual role, the default
 * role is granted (also as `oidc-group`, so a later mapping replaces it).
 */
export async function syncGroupRoles(db: Db, username: string, groups: string[], config: Pick<OidcConfig, "groupRoleMappings" | "defaultRole">): Promise<string[]> {
  const existing = await db.role.findMany({ select: { id: true } });
  const known = new Set(existing.map((r) => r.id));
  const mapped = new Set(groups.map((g) => config.groupRoleMappings[g]).filter((r): r is string => !!r && known.has(r)));
  const links = await db.userRole.findMany({ where: { username } });
  const manual = links.filter((l) => l.source !== "oidc-group");
  const wanted = new Set(mapped);
  if (!wanted.size && !manual.length && config.defaultRole && known.has(config.defaultRole)) wanted.add(config.defaultRole);

  for (const link of links) {
    if (link.source === "oidc-group" && !wanted.has(link.roleId)) await db.userRole.deleteMany({ where: { username, roleId: link.roleId, source: "oidc-group" } });
  }
  for (const roleId of wanted) {
    // A manual assignment of the same role stays manual.
    await db.userRole.upsert({ where: { username_roleId: { username, roleId } }, create: { username, roleId, source: "oidc-group" }, update: {} });
  }
  return [...new Set([...manual.map((l) => l.roleId), ...wanted])].sort();
}

export type OidcLoginResult = { ok: true; username: string; roles: string[]; issued: IssuedSession } | ({ ok: false } & OidcRefusal);

/** Turns verified claims into a Pulse session, or a refusal; audits either way. */
export async function completeOidcLogin(db: Db, claims: Claims, config: OidcConfig, meta: { ip: string; userAgent?: string }): Promise<OidcLoginResult> {
  const refuse = async (r: OidcRefusal): Promise<OidcLoginResult> => {
    await recordAuditEvent(db, { event: "oidc_login_failed", user: r.username, ip: meta.ip, path: PATH, success: false, details: r.reason });
    return { ok: false, ...r };
  };

  const identity = identityFromClaims(claims, config);
  if ("code" in identity) return refuse(identity);
  const { username } = identity;
  const denied = checkAllowLists(identity, config);
  if (denied) return refuse({ code: "oidc_not_allowed", reason: `Refused: ${denied}`, username });

  const existing = await db.user.findUnique({ where: { username } });
  // An IdP must not be able to take over a password or proxy account by naming itself after it.
  if (existing && existing.source !== "oidc") {
    return refuse({ code: "oidc_user_conflict", reason: `Refused: "${username}" is an existing ${existing.source} user`, username });
  }
  if (existing?.disabled) return refuse({ code: "oidc_user_disabled", reason: "Refused: user is disabled", username });

  await upsertUser(db, { username, source: "oidc", email: identity.email });
  const roles = await syncGroupRoles(db, username, identity.groups, config);
  const issued = await createSession(db, {
    username,
    method: "oidc",
    ttlMs: OIDC_SESSION_TTL_MS,
    ip: meta.ip,
    userAgent: meta.userAgent,
    data: { subject: identity.subject, email: identity.email, groups: identity.groups.slice(0, 100) },
  });
  await markLogin(db, username);
  await recordAuditEvent(db, {
    event: "oidc_login",
    user: username,
    ip: meta.ip,
    path: PATH,
    success: true,
    details: `SSO login (roles: ${roles.join(", ") || "none"}; groups: ${identity.groups.join(", ") || "none"})`,
  });
  return { ok: true, username, roles, issued };
}
