import { redirect } from "next/navigation";
import { isAuthConfigured } from "@/lib/auth/setup";
import { getDb } from "@/lib/db/client";
import { pagePrincipal } from "../_lib/server-auth";
import { LoginForm } from "./login-form";

export const dynamic = "force-dynamic";
export const metadata = { title: "Sign in · Pulse" };

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ show_local?: string }> }) {
  if (!(await isAuthConfigured(getDb()))) redirect("/setup");
  const principal = await pagePrincipal();
  if (principal && principal.kind !== "anonymous") redirect("/");
  const { show_local } = await searchParams;
  return <LoginForm showLocal={show_local === "true"} />;
}
