export { PvePoller, NODE_OFFLINE_GRACE_MS, DEFAULT_POLL_DEADLINE_MS, DEFAULT_MAX_CONCURRENT_REQUESTS, type PvePollerOptions } from "./pve-poller";
export { RateTracker, ZERO_RATES, type IoCounters, type IoRates } from "./rate-tracker";
export { summarizeFilesystems, isSpecialFilesystem, type FilesystemSummary } from "./agent-filesystems";
export { guestId } from "./guest-context";
export { nodeId } from "./node-model";
export { storageId } from "./storage-model";
