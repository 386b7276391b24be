import { apiRoute } from "@/lib/api/route";
import { uptimeSeconds } from "@/lib/system/version";

export const dynamic = "force-dynamic";

export const GET = apiRoute("GET /api/health", () => ({
  status: "healthy",
  timestamp: Math.floor(Date.now() / 1000),
  uptime: uptimeSeconds(),
  devModeSSH: false,
}));
