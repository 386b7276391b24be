import { expect, type Page, test } from "@playwright/test";
import { startTestServer, type TestServer } from "../tests/helpers/server";
import { startOidcProvider, type TestIdp } from "../tests/support/oidc-provider";

/**
 * SSO in Chromium against a real OpenID Connect provider on loopback. The spec runs its
 * own Pulse server (configured with an API token) next to the IdP, so the shared e2e
 * server stays a fresh install.
 */
test.describe.configure({ mode: "serial" });

let srv: TestServer;
let idp: TestIdp;

test.beforeAll(async () => {
  srv = await startTestServer();
  idp = await startOidcProvider({
    clients: [{ clientId: "pulse", clientSecret: "e2e-client-secret", redirectUris: [`${srv.url}/api/oidc/callback`] }],
    users: [
      { username: "alice", password: "alice-pw", email: "alice@corp.example", groups: ["pulse-admins"] },
      { username: "victor", password: "victor-pw", email: "victor@corp.example", groups: ["pulse-viewers"] },
      { username: "bob", password: "bob-pw", email: "bob@contractor.example", groups: ["contractors"] },
    ],
  });
  const res = await srv.fetch("/api/security/oidc", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      enabled: true,
      issuerUrl: idp.issuer,
      clientId: "pulse",
      clientSecret: "e2e-client-secret",
      allowedGroups: ["pulse-admins", "pulse-viewers"],
      groupRoleMappings: { "pulse-admins": "admin", "pulse-viewers": "viewer" },
    }),
  });
  expect(res.status).toBe(200);
});

test.afterAll(async () => {
  await idp?.stop();
  await srv?.stop();
});

let clients = 0;

/** From Pulse's login page through the IdP's form. */
async function signInWithSso(page: Page, username: string, password: string): Promise<void> {
  // Each browser is its own client for the sign-in rate limit (10 a minute per address):
  // Pulse takes X-Forwarded-For from a loopback peer, as from a local reverse proxy.
  await page.context().setExtraHTTPHeaders({ "X-Forwarded-For": `192.0.2.${++clients}` });
  await page.goto(`${srv.url}/login`);
  await page.getByRole("link", { name: "Sign in with SSO" }).click();
  await expect(page).toHaveURL(new RegExp(`^${idp.issuer}/interaction/`));
  await expect(page.getByText("Sign in to continue to pulse")).toBeVisible();
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

test("signs in through the IdP and lands on the dashboard", async ({ page }) => {
  await signInWithSso(page, "alice", "alice-pw");
  await expect(page).toHaveURL(`${srv.url}/?oidc=success`);
  await expect(page.getByTestId("node-row").first()).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId("signed-in-user")).toHaveText("alice");

  // The browser holds a Pulse session (and no next-auth session of its own).
  const cookies = await page.context().cookies(srv.url);
  expect(cookies.find((c) => c.name === "pulse_session")?.httpOnly).toBe(true);
  expect(cookies.filter((c) => c.name.startsWith("pulse_oidc_") || c.name.includes("next-auth"))).toEqual([]);
  expect((await page.request.get(`${srv.url}/api/security/oidc`)).status()).toBe(200);
});

test("refuses a user outside the allowed groups", async ({ page }) => {
  await signInWithSso(page, "bob", "bob-pw");
  await expect(page).toHaveURL(`${srv.url}/login?error=oidc_not_allowed`);
  await expect(page.getByTestId("sso-error")).toContainText("not allowed");
  await expect(page.getByRole("link", { name: "Sign in with SSO" })).toBeVisible();
  expect((await page.context().cookies(srv.url)).some((c) => c.name === "pulse_session")).toBe(false);
  expect((await page.request.get(`${srv.url}/api/state`)).status()).toBe(401);
});

test("maps a group to the viewer role, which may not change settings", async ({ page }) => {
  await signInWithSso(page, "victor", "victor-pw");
  await expect(page).toHaveURL(`${srv.url}/?oidc=success`);
  await expect(page.getByTestId("signed-in-user")).toHaveText("victor");
  await expect(page.getByTestId("node-row").first()).toBeVisible({ timeout: 30_000 });

  // A settings write from this browser session, with its CSRF token: refused for the role.
  const csrf = (await page.context().cookies(srv.url)).find((c) => c.name === "pulse_csrf")?.value;
  expect(csrf).toBeTruthy();
  const write = await page.request.post(`${srv.url}/api/config/nodes`, {
    headers: { "X-CSRF-Token": csrf! },
    data: { type: "pve", name: "lab", host: "https://10.0.0.1:8006", tokenName: "pulse@pam!t", tokenValue: "x" },
  });
  expect(write.status()).toBe(403);
  expect((await write.json()).code).toBe("forbidden");
  expect((await page.request.get(`${srv.url}/api/state`)).status()).toBe(200);
});
