import { apiRoute } from "@/lib/api/route";
import { listUserAccess } from "@/lib/auth/rbac";
import { getDb } from "@/lib/db/client";

export const dynamic = "force-dynamic";

/** Every known user and every username with role assignments, as a bare array (Pulse's shape). */
export const GET = apiRoute("GET /api/admin/users", () => listUserAccess(getDb()));
