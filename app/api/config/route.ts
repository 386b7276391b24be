import { apiRoute } from "@/lib/api/route";
import { loadSystemSettings } from "@/lib/system/settings";

export const dynamic = "force-dynamic";

/** The small config payload the UI reads at start. */
export const GET = apiRoute("GET /api/config", async () => {
  const s = await loadSystemSettings();
  return {
    updateChannel: s.updateChannel,
    autoUpdateEnabled: s.autoUpdateEnabled,
    pvePollingInterval: s.pvePollingInterval,
    theme: s.theme,
  };
});
