import { getPublishedState } from "@/lib/state/store";
import { NoAccess } from "./_components/no-access";
import { Overview } from "./_overview/overview";
import { overviewSeed } from "@/lib/dashboard/overview-seed";
import { parseView } from "@/lib/dashboard/overview-view";
import { requireViewer } from "./_lib/require-viewer";
import { viewerOf } from "./_lib/viewer";

export const dynamic = "force-dynamic";

type SearchParams = Record<string, string | string[] | undefined>;

/**
 * The Proxmox overview. Rendered with the current snapshot, so the first paint has data;
 * from then on the browser follows the live connection (`useLiveState`).
 */
export default async function OverviewPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const params = await searchParams;
  const token = typeof params.token === "string" ? params.token : undefined;
  const access = await requireViewer(token);
  if ("denied" in access) return <NoAccess message={access.denied} />;
  const viewer = viewerOf(access.viewer);
  const { state } = await getPublishedState();
  const view = parseView(params);
  return <Overview seed={overviewSeed(state, view)} initialView={view} canWrite={viewer?.canWrite ?? false} token={token} />;
}
