/** Version and deployment facts for `/api/version` and `/api/health`. */
import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

const startedAt = Date.now() - process.uptime() * 1000;

function readPackageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(path.join(process.cwd(), "package.json"), "utf8")) as { version?: string };
    return pkg.version ?? "0.0.0";
  } catch {
    return "0.0.0";
  }
}

/** When the running build was made (the Next.js build id's mtime), else when the process started. */
function buildTime(): string {
  try {
    return statSync(path.join(process.cwd(), ".next", "BUILD_ID")).mtime.toISOString();
  } catch {
    return new Date(startedAt).toISOString();
  }
}

/** How this instance runs, in Pulse's vocabulary. */
function deploymentType(): string {
  if (existsSync("/.dockerenv")) return "docker";
  if (process.env.INVOCATION_ID) return "systemd";
  return process.env.NODE_ENV === "production" ? "manual" : "development";
}

export function versionInfo() {
  const version = readPackageVersion().replace(/^v/, "");
  return {
    version,
    buildTime: buildTime(),
    channel: "stable",
    deploymentType: deploymentType(),
    // No update service is reachable from here; the running version is the latest known.
    updateAvailable: false,
    latestVersion: version,
  };
}

export function uptimeSeconds(): number {
  return Math.floor(process.uptime());
}
