"use client";
import { useEffect, useState } from "react";
import { apiJson, errorMessage } from "../_lib/api-client";
import { AuthCard, inputClass, labelClass, Notice, primaryButtonClass, secondaryButtonClass } from "../_components/auth-card";

interface LoginRefusal {
  error?: string;
  code?: string;
  message?: string;
  remaining?: number;
  maxAttempts?: number;
  locked?: boolean;
  lockedUntil?: string;
  remainingMinutes?: number;
}

interface SecurityStatus {
  oidcEnabled?: boolean;
  hideLocalLogin?: boolean;
  oidcLoginUrl?: string;
}

const timeOf = (iso: string | undefined) => (iso ? new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }) : undefined);

/** What to tell the user about a refused login: the reason, and how many tries are left or when the lock ends. */
function describe(status: number, body: LoginRefusal | undefined): { message: string; detail?: string } {
  const code = body?.code ?? body?.error;
  if (status === 403 && code === "account_locked") {
    const until = timeOf(body?.lockedUntil);
    return { message: "Too many failed sign-in attempts.", detail: `Locked until ${until ?? "later"}${body?.remainingMinutes ? ` (${body.remainingMinutes} min)` : ""}.` };
  }
  if (status === 401 && code === "invalid_credentials") {
    if (body?.locked) return { message: "Invalid username or password.", detail: `Too many failed attempts: locked until ${timeOf(body.lockedUntil) ?? "later"}.` };
    const left = body?.remaining;
    return { message: "Invalid username or password.", detail: left !== undefined ? `${left} attempt${left === 1 ? "" : "s"} remaining.` : undefined };
  }
  return { message: errorMessage(body, `Sign-in failed (HTTP ${status})`) };
}

export function LoginForm({ showLocal, ssoError }: { showLocal: boolean; ssoError?: string }) {
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [rememberMe, setRememberMe] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<{ message: string; detail?: string }>();
  const [sso, setSso] = useState<SecurityStatus>({});

  useEffect(() => {
    apiJson<SecurityStatus>("/api/security/status")
      .then((r) => r.ok && setSso(r.data))
      .catch(() => undefined);
  }, []);

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setBusy(true);
    setProblem(undefined);
    try {
      const r = await apiJson<LoginRefusal>("/api/login", { method: "POST", body: { username, password, rememberMe } });
      if (r.ok) {
        window.location.assign("/");
        return;
      }
      setProblem(describe(r.status, r.data));
      setPassword("");
    } catch {
      setProblem({ message: "Pulse could not be reached. Check the connection and try again." });
    }
    setBusy(false);
  }

  const localHidden = !!sso.oidcEnabled && !!sso.hideLocalLogin && !showLocal;

  return (
    <AuthCard title="Sign in" subtitle="Real-time monitoring for your Proxmox infrastructure">
      {ssoError && !problem && (
        <Notice tone="error" testId="sso-error">
          {ssoError}
        </Notice>
      )}
      {problem && (
        <Notice tone="error" testId="login-error">
          <div>{problem.message}</div>
          {problem.detail && <div className="mt-1 font-medium" data-testid="login-error-detail">{problem.detail}</div>}
        </Notice>
      )}

      {/* SSO slot: shown when the server reports OIDC enabled. */}
      {sso.oidcEnabled && (
        <div className="mb-6">
          <a href={sso.oidcLoginUrl ?? "/api/oidc/login"} data-testid="sso-login" className={`${secondaryButtonClass} block text-center`}>
            Sign in with SSO
          </a>
          {!localHidden && (
            <div className="my-4 flex items-center gap-3 text-xs uppercase text-gray-400">
              <span className="h-px flex-1 bg-gray-200 dark:bg-gray-800" />
              or
              <span className="h-px flex-1 bg-gray-200 dark:bg-gray-800" />
            </div>
          )}
        </div>
      )}

      {localHidden ? (
        <p className="text-center text-sm text-gray-500">
          <a className="underline" href="/login?show_local=true">Sign in with a local account</a>
        </p>
      ) : (
        <form onSubmit={submit} className="space-y-4" aria-label="Sign in">
          <div>
            <label htmlFor="username" className={labelClass}>Username</label>
            <input id="username" name="username" autoComplete="username" required autoFocus value={username} onChange={(e) => setUsername(e.target.value)} className={inputClass} />
          </div>
          <div>
            <label htmlFor="password" className={labelClass}>Password</label>
            <input id="password" name="password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} className={inputClass} />
          </div>
          <label className="flex items-center gap-2 text-sm text-gray-700 dark:text-gray-300">
            <input type="checkbox" checked={rememberMe} onChange={(e) => setRememberMe(e.target.checked)} className="h-4 w-4 rounded border-gray-300" />
            Remember me for 30 days
          </label>
          <button type="submit" disabled={busy || !username || !password} className={primaryButtonClass}>
            {busy ? "Signing in…" : "Sign in"}
          </button>
        </form>
      )}
    </AuthCard>
  );
}
