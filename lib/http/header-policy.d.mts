export interface HeaderPolicy {
  allowEmbedding: boolean;
  /** origins allowed to frame Pulse when embedding is on; empty or `*` = any */
  embedOrigins: string[];
  /** development server: allow eval for hot reload */
  dev?: boolean;
}

export interface HeaderRule {
  source: string;
  missing: { type: "header"; key: string }[];
  headers: { key: string; value: string }[];
}

export const PERMISSIONS_POLICY: string;
export const CORS_ALLOW_METHODS: string;
export const CORS_ALLOW_HEADERS: string;
export const CORS_EXPOSE_HEADERS: string;
export const CORS_MAX_AGE_SECONDS: string;

export function normalizeOrigin(value: string): string | undefined;
export function parseOriginList(value: string | undefined | null): string[];
export function frameAncestors(policy: HeaderPolicy): string;
export function contentSecurityPolicy(policy: HeaderPolicy): string;
export function securityHeaders(policy: HeaderPolicy): Record<string, string>;
export function corsHeaders(origin: string | undefined | null, allowedOrigins: string[]): Record<string, string> | undefined;
export function preflightHeaders(origin: string | undefined | null, allowedOrigins: string[]): Record<string, string> | undefined;
export function staticHeaderRules(env: Record<string, string | undefined>): HeaderRule[];
