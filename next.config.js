import { staticHeaderRules } from "./lib/http/header-policy.mjs";

/** @type {import('next').NextConfig} */
const nextConfig = {
  poweredByHeader: false,
  reactStrictMode: true,
  // Native or process-level packages stay outside the server bundle.
  serverExternalPackages: ["better-sqlite3", "pg", "pino", "selfsigned", "undici", "bcryptjs", "@prisma/adapter-better-sqlite3", "@prisma/adapter-pg"],
  turbopack: { root: import.meta.dirname },
  // `npm test` type-checks the whole project (tsc); the build need not do it again.
  typescript: { ignoreBuildErrors: true },
  // Security headers when the app runs without the custom server (which sets its own).
  async headers() {
    return staticHeaderRules(process.env);
  },
};

export default nextConfig;
