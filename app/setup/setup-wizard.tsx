"use client";
import { useState } from "react";
import { apiFetch, apiJson, errorMessage } from "../_lib/api-client";
import { AuthCard, inputClass, labelClass, Notice, primaryButtonClass, secondaryButtonClass } from "../_components/auth-card";

const MIN_PASSWORD = 12;

/** 32 random bytes as 64 hex characters: the API token, made in the browser and sent once. */
function newApiToken(): string {
  const bytes = new Uint8Array(32);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

type Step = "token" | "account" | "done";

export function SetupWizard({ tokenPath }: { tokenPath: string }) {
  const [step, setStep] = useState<Step>("token");
  const [bootstrapToken, setBootstrapToken] = useState("");
  const [username, setUsername] = useState("admin");
  const [password, setPassword] = useState("");
  const [confirm, setConfirm] = useState("");
  const [apiToken] = useState(newApiToken);
  const [copied, setCopied] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  async function checkToken(e: React.FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const res = await apiFetch("/api/security/validate-bootstrap-token", { method: "POST", headers: { "X-Setup-Token": bootstrapToken.trim() } });
      if (res.status === 204) setStep("account");
      else setError(res.status === 401 ? "That is not the bootstrap token. Copy it again from the file or the server log." : `Could not check the token (HTTP ${res.status})`);
    } catch {
      setError("Pulse could not be reached.");
    }
    setBusy(false);
  }

  const passwordProblem =
    password.length > 0 && password.length < MIN_PASSWORD
      ? `At least ${MIN_PASSWORD} characters (${password.length} so far)`
      : confirm.length > 0 && confirm !== password
        ? "The passwords do not match"
        : undefined;

  async function createAdmin(e: React.FormEvent) {
    e.preventDefault();
    if (password.length < MIN_PASSWORD || password !== confirm) return;
    setBusy(true);
    setError(undefined);
    try {
      const r = await apiJson("/api/security/quick-setup", {
        method: "POST",
        headers: { "X-Setup-Token": bootstrapToken.trim() },
        body: { username: username.trim(), password, apiToken },
      });
      if (r.ok) setStep("done");
      else if (r.status === 401) {
        setError("The bootstrap token is no longer valid (setup may have been completed elsewhere).");
        setStep("token");
      } else setError(errorMessage(r.data, `Setup failed (HTTP ${r.status})`));
    } catch {
      setError("Pulse could not be reached.");
    }
    setBusy(false);
  }

  async function copyToken() {
    try {
      await navigator.clipboard.writeText(apiToken);
      setCopied(true);
    } catch {
      // Clipboard access needs a secure context: leave the token selected for a manual copy.
      (document.getElementById("api-token") as HTMLInputElement | null)?.select();
    }
  }

  if (step === "done") {
    return (
      <AuthCard title="Pulse is secured" subtitle={`Signed in as ${username.trim()}`}>
        <Notice tone="success">Your administrator account is ready.</Notice>
        <label htmlFor="api-token" className={labelClass}>API token for scripts and agents</label>
        <div className="flex gap-2">
          <input id="api-token" readOnly value={apiToken} data-testid="api-token" onFocus={(e) => e.target.select()} className={`${inputClass} font-mono text-xs`} />
          <button type="button" onClick={copyToken} className="shrink-0 rounded-md border border-gray-300 px-3 text-sm hover:bg-gray-100 dark:border-gray-700 dark:hover:bg-gray-800">
            {copied ? "Copied" : "Copy"}
          </button>
        </div>
        <p className="mt-2 mb-6 text-xs text-amber-700 dark:text-amber-400">
          Save it now: it is shown only this once (Pulse keeps only a hash). Send it as the <code>X-API-Token</code> header.
        </p>
        <button type="button" className={primaryButtonClass} onClick={() => window.location.assign("/")}>
          Go to the dashboard
        </button>
      </AuthCard>
    );
  }

  if (step === "account") {
    return (
      <AuthCard title="Create the administrator" subtitle="Step 2 of 2: the account you will sign in with">
        {error && <Notice tone="error" testId="setup-error">{error}</Notice>}
        <form onSubmit={createAdmin} className="space-y-4" aria-label="Create the administrator">
          <div>
            <label htmlFor="username" className={labelClass}>Username</label>
            <input id="username" autoComplete="username" required value={username} onChange={(e) => setUsername(e.target.value)} className={inputClass} />
          </div>
          <div>
            <label htmlFor="password" className={labelClass}>Password</label>
            <input id="password" type="password" autoComplete="new-password" required value={password} onChange={(e) => setPassword(e.target.value)} className={inputClass} />
          </div>
          <div>
            <label htmlFor="confirm" className={labelClass}>Confirm password</label>
            <input id="confirm" type="password" autoComplete="new-password" required value={confirm} onChange={(e) => setConfirm(e.target.value)} className={inputClass} />
            {passwordProblem && <p className="mt-1 text-xs text-red-600 dark:text-red-400" data-testid="password-problem">{passwordProblem}</p>}
          </div>
          <p className="text-xs text-gray-500 dark:text-gray-400">An API token for scripts and agents is created with the account and shown on the next screen.</p>
          <button type="submit" disabled={busy || !username.trim() || password.length < MIN_PASSWORD || password !== confirm} className={primaryButtonClass}>
            {busy ? "Securing Pulse…" : "Create administrator"}
          </button>
          <button type="button" className={secondaryButtonClass} onClick={() => setStep("token")}>
            Back
          </button>
        </form>
      </AuthCard>
    );
  }

  return (
    <AuthCard title="Welcome to Pulse" subtitle="Step 1 of 2: prove you run this server">
      {error && <Notice tone="error" testId="setup-error">{error}</Notice>}
      <form onSubmit={checkToken} className="space-y-4" aria-label="Verify the bootstrap token">
        <div>
          <label htmlFor="bootstrap-token" className={labelClass}>Bootstrap token</label>
          <input id="bootstrap-token" required autoFocus autoComplete="off" spellCheck={false} value={bootstrapToken} onChange={(e) => setBootstrapToken(e.target.value)} className={`${inputClass} font-mono`} />
          <p className="mt-2 text-xs text-gray-500 dark:text-gray-400">
            Printed in the server log at start, and kept in <code className="break-all">{tokenPath}</code>{" "}
            (<code>npm run pulse -- bootstrap-token</code> shows it too).
          </p>
        </div>
        <button type="submit" disabled={busy || !bootstrapToken.trim()} className={primaryButtonClass}>
          {busy ? "Checking…" : "Continue"}
        </button>
      </form>
    </AuthCard>
  );
}
