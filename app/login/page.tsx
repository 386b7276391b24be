import { redirect } from "next/navigation";
import { ssoErrorMessage } from "@/lib/auth/oidc/login-errors";
import { isAuthConfigured } from "@/lib/auth/setup";
import { getDb } from "@/lib/db/client";
import { pagePrincipal } from "../_lib/server-auth";
import { LoginForm } from "./login-form";

export const dynamic = "force-dynamic";
export const metadata = { title: "Sign in · Pulse" };

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ show_local?: string; error?: string }> }) {
  if (!(await isAuthConfigured(getDb()))) redirect("/setup");
  const principal = await pagePrincipal();
  if (principal && principal.kind !== "anonymous") redirect("/");
  const { show_local, error } = await searchParams;
  return <LoginForm showLocal={show_local === "true"} ssoError={ssoErrorMessage(error)} />;
}
