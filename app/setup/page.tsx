import { redirect } from "next/navigation";
import { bootstrapTokenPath, isAuthConfigured } from "@/lib/auth/setup";
import { getEnv } from "@/lib/config/env";
import { getDb } from "@/lib/db/client";
import { SetupWizard } from "./setup-wizard";

export const dynamic = "force-dynamic";
export const metadata = { title: "First-run setup · Pulse" };

export default async function SetupPage() {
  if (await isAuthConfigured(getDb())) redirect("/");
  return <SetupWizard tokenPath={bootstrapTokenPath(getEnv().dataDir)} />;
}
