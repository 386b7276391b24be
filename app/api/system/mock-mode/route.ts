import { z } from "zod";
import { apiRoute } from "@/lib/api/route";
import { parseJsonBody } from "@/lib/api/request";
import { sendToWorker } from "@/lib/bus";
import { getDb } from "@/lib/db/client";
import { getEnv } from "@/lib/config/env";
import { listNodeConfigs } from "@/lib/db/node-configs";
import { loadSystemSettings, updateSystemSettings } from "@/lib/system/settings";

export const dynamic = "force-dynamic";

/** Demo mode is on when forced by PULSE_DEMO, switched on here, or automatic with no node configured. */
async function mockModeStatus() {
  const s = await loadSystemSettings();
  const nodes = await listNodeConfigs(getDb());
  const forced = getEnv().PULSE_DEMO;
  const automatic = s.mockMode === undefined;
  return {
    enabled: forced || s.mockMode === true || (automatic && nodes.length === 0),
    automatic,
    forcedByEnv: forced,
    configuredNodes: nodes.length,
  };
}

export const GET = apiRoute("GET /api/system/mock-mode", mockModeStatus);

const Body = z.object({ enabled: z.boolean().nullable() });

/** `{"enabled": true|false}` switches demo data; `null` returns to automatic. */
async function setMockMode({ request }: { request: Request }) {
  const { enabled } = await parseJsonBody(request, Body);
  await updateSystemSettings({ mockMode: enabled ?? undefined });
  sendToWorker({ type: "reload-config" });
  return mockModeStatus();
}

export const POST = apiRoute("POST /api/system/mock-mode", setMockMode);
export const PUT = apiRoute("PUT /api/system/mock-mode", setMockMode);
