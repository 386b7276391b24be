/**
 * A real OpenID Connect provider (panva's oidc-provider) on 127.0.0.1 for SSO tests: the
 * given clients (PKCE required), the given users with a `groups` claim, and a minimal
 * interaction flow — a username/password form, consent granted automatically. ID tokens
 * are RS256-signed with a key made at start; scope claims are released through userinfo
 * (the provider's default for the code flow), as many real IdPs do. Optionally over
 * HTTPS with a given certificate.
 */
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type RequestListener, type ServerResponse } from "node:http";
import { createServer as createTlsServer } from "node:https";
import Provider, { type Configuration } from "oidc-provider";

export interface IdpUser {
  username: string;
  password: string;
  email: string;
  name?: string;
  groups: string[];
  emailVerified?: boolean;
}

export interface IdpClient {
  clientId: string;
  /** none: a public client (PKCE only) */
  clientSecret?: string;
  redirectUris: string[];
}

export interface TestIdp {
  issuer: string;
  users: Map<string, IdpUser>;
  /** successful form logins so far */
  logins: string[];
  stop(): Promise<void>;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function loginPage(uid: string, clientId: string, problem?: string): string {
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>Test IdP sign-in</title></head>
<body>
  <h1>Test IdP</h1>
  <p>Sign in to continue to ${escapeHtml(clientId)}</p>
  ${problem ? `<p role="alert">${escapeHtml(problem)}</p>` : ""}
  <form method="post" action="/interaction/${escapeHtml(uid)}">
    <label>Username <input name="username" autocomplete="username" required></label>
    <label>Password <input name="password" type="password" autocomplete="current-password" required></label>
    <button type="submit">Sign in</button>
  </form>
</body></html>`;
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}

/** `tls`: serve HTTPS with this key and certificate (an IdP behind a private CA). */
type Payload = Record<string, unknown> & { grantId?: string; userCode?: string; uid?: string; consumed?: number };

/** oidc-provider's storage, in memory for the life of one test IdP. */
function memoryAdapter() {
  const store = new Map<string, { payload: Payload; expiresAt: number }>();
  const live = (key: string) => {
    const entry = store.get(key);
    if (entry && entry.expiresAt <= Date.now()) store.delete(key);
    return store.get(key)?.payload;
  };
  return class MemoryAdapter {
    constructor(private readonly model: string) {}
    private key(id: string) {
      return `${this.model}:${id}`;
    }
    async upsert(id: string, payload: Payload, expiresIn: number) {
      store.set(this.key(id), { payload, expiresAt: Date.now() + (expiresIn || 3600) * 1000 });
    }
    async find(id: string) {
      return live(this.key(id));
    }
    async findByUid(uid: string) {
      for (const [key, { payload }] of store) if (key.startsWith(`${this.model}:`) && payload.uid === uid) return live(key);
      return undefined;
    }
    async findByUserCode(userCode: string) {
      for (const [key, { payload }] of store) if (key.startsWith(`${this.model}:`) && payload.userCode === userCode) return live(key);
      return undefined;
    }
    async consume(id: string) {
      const payload = live(this.key(id));
      if (payload) payload.consumed = Math.floor(Date.now() / 1000);
    }
    async destroy(id: string) {
      store.delete(this.key(id));
    }
    async revokeByGrantId(grantId: string) {
      for (const [key, { payload }] of store) if (payload.grantId === grantId) store.delete(key);
    }
  };
}

export async function startOidcProvider(opts: { clients: IdpClient[]; users: IdpUser[]; tls?: { key: string; cert: string } }): Promise<TestIdp> {
  const users = new Map(opts.users.map((u) => [u.username, u]));
  const logins: string[] = [];
  let provider: Provider | undefined;

  const interaction = async (req: IncomingMessage, res: ServerResponse, uid: string) => {
    const oidc = provider!;
    const details = await oidc.interactionDetails(req, res);
    if (details.uid !== uid) throw new Error("interaction mismatch");
    const html = (status: number, body: string) => {
      res.writeHead(status, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
      res.end(body);
    };

    if (details.prompt.name === "consent") {
      // First-party test client: grant what was asked for without a consent screen.
      const accountId = details.session?.accountId;
      if (!accountId) throw new Error("consent without a signed-in account");
      const grant = details.grantId
        ? (await oidc.Grant.find(details.grantId))!
        : new oidc.Grant({ accountId, clientId: String(details.params.client_id) });
      const missing = details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[]; missingResourceScopes?: Record<string, string[]> };
      if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(" "));
      if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
      for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) grant.addResourceScope(indicator, scopes.join(" "));
      const grantId = await grant.save();
      await oidc.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
      return;
    }

    if (details.prompt.name !== "login") return html(501, `unsupported prompt ${details.prompt.name}`);
    if (req.method === "GET") return html(200, loginPage(uid, String(details.params.client_id)));
    const form = await readForm(req);
    const user = users.get(form.get("username") ?? "");
    if (!user || user.password !== form.get("password")) {
      return html(401, loginPage(uid, String(details.params.client_id), "Invalid username or password"));
    }
    logins.push(user.username);
    await oidc.interactionFinished(req, res, { login: { accountId: user.username } }, { mergeWithLastSubmission: false });
  };

  const listener: RequestListener = (req, res) => {
    // `/mirror/…` serves the same documents under another path: a discovery URL whose
    // document names a different issuer (a misconfiguration SSO must refuse).
    if (req.url?.startsWith("/mirror/")) req.url = req.url.slice("/mirror".length);
    const match = /^\/interaction\/([A-Za-z0-9_-]+)$/.exec(new URL(req.url ?? "/", "http://idp").pathname);
    if (match) {
      interaction(req, res, match[1]).catch((err: Error) => {
        if (!res.headersSent) res.writeHead(400, { "content-type": "text/plain" });
        res.end(`interaction failed: ${err.message}`);
      });
      return;
    }
    provider!.callback()(req, res);
  };
  const server = opts.tls ? createTlsServer({ key: opts.tls.key, cert: opts.tls.cert }, listener) : createServer(listener);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const issuer = `${opts.tls ? "https" : "http"}://127.0.0.1:${(server.address() as { port: number }).port}`;

  const jwk = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ format: "jwk" });
  const configuration: Configuration = {
    clients: opts.clients.map((c) => ({
      client_id: c.clientId,
      ...(c.clientSecret ? { client_secret: c.clientSecret } : {}),
      token_endpoint_auth_method: c.clientSecret ? "client_secret_basic" : "none",
      redirect_uris: c.redirectUris,
      grant_types: ["authorization_code"],
      response_types: ["code"],
    })),
    adapter: memoryAdapter(),
    jwks: { keys: [{ ...jwk, kid: "test-idp", alg: "RS256", use: "sig" }] as never },
    cookies: { keys: [randomBytes(32).toString("hex")] },
    claims: { openid: ["sub"], profile: ["preferred_username", "name", "groups"], email: ["email", "email_verified"] },
    features: { devInteractions: { enabled: false } },
    pkce: { methods: ["S256"], required: () => true },
    interactions: { url: (_ctx, i) => `/interaction/${i.uid}` },
    ttl: { Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 600, IdToken: 600, AuthorizationCode: 60 },
    async findAccount(_ctx, sub) {
      const user = users.get(sub);
      if (!user) return undefined;
      return {
        accountId: sub,
        claims: () => ({
          sub,
          preferred_username: user.username,
          name: user.name ?? user.username,
          email: user.email,
          email_verified: user.emailVerified ?? true,
          groups: user.groups,
        }),
      };
    },
  };
  provider = new Provider(issuer, configuration);

  return {
    issuer,
    users,
    logins,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
