import { describe, expect, it } from "vitest";
import { ApiError } from "../api/errors";
import { testProviders, useTestDatabase } from "../db/test-support";
import { AuditQuerySchema, queryAuditEvents, verifyAuditEvent } from "./query";
import { recordAuditEvent } from "./record";

describe("audit query validation", () => {
  it("defaults and bounds the page, and wants RFC 3339 times", () => {
    expect(AuditQuerySchema.parse({})).toMatchObject({ limit: 100, offset: 0 });
    expect(AuditQuerySchema.parse({ limit: "1000", success: "false" })).toMatchObject({ limit: 1000, success: false });
    for (const bad of [{ limit: "1001" }, { limit: "0" }, { limit: "ten" }, { offset: "-1" }, { success: "yes" }, { startTime: "2024-01-01" }, { endTime: "yesterday" }, { startTime: "2024-02-01T00:00:00Z", endTime: "2024-01-01T00:00:00Z" }]) {
      expect(AuditQuerySchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
    expect(AuditQuerySchema.parse({ startTime: "2024-01-01T00:00:00+02:00" }).startTime?.toISOString()).toBe("2023-12-31T22:00:00.000Z");
  });
});

describe.each(testProviders())("audit log queries (%s)", (provider) => {
  const t = useTestDatabase(provider);

  it("returns events newest first with filters and a total", async () => {
    await recordAuditEvent(t.db, { event: "login", user: "admin", ip: "10.0.0.1", path: "/api/login", success: true, details: "Successful login" });
    await recordAuditEvent(t.db, { event: "login_failed", user: "admin", ip: "10.0.0.2", path: "/api/login", success: false, details: "Bad password" });
    await recordAuditEvent(t.db, { event: "token_created", user: "token:ci", success: true, details: "Created" });
    const all = await queryAuditEvents(t.db, AuditQuerySchema.parse({}));
    expect(all.total).toBe(3);
    expect(all.events.map((e) => e.event)).toEqual(["token_created", "login_failed", "login"]);
    expect(all.events[2]).toMatchObject({ user: "admin", ip: "10.0.0.1", path: "/api/login", success: true, details: "Successful login" });
    expect(all.events[0].ip).toBe("");
    expect(all.events[0].timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);

    expect((await queryAuditEvents(t.db, AuditQuerySchema.parse({ user: "admin" }))).total).toBe(2);
    expect((await queryAuditEvents(t.db, AuditQuerySchema.parse({ success: "false" }))).events.map((e) => e.event)).toEqual(["login_failed"]);
    expect((await queryAuditEvents(t.db, AuditQuerySchema.parse({ event: "login" }))).total).toBe(1);
    const page = await queryAuditEvents(t.db, AuditQuerySchema.parse({ limit: "1", offset: "1" }));
    expect(page).toMatchObject({ total: 3, events: [{ event: "login_failed" }] });
    expect((await queryAuditEvents(t.db, AuditQuerySchema.parse({ startTime: new Date(Date.now() + 60_000).toISOString() }))).total).toBe(0);
    expect((await queryAuditEvents(t.db, AuditQuerySchema.parse({ endTime: new Date(Date.now() + 60_000).toISOString() }))).total).toBe(3);
  });

  it("verifies untouched events and catches edited ones", async () => {
    const [event] = (await queryAuditEvents(t.db, AuditQuerySchema.parse({ event: "token_created" }))).events;
    expect(await verifyAuditEvent(t.db, event.id)).toEqual({ available: true, verified: true, message: "Event signature verified" });
    await t.db.auditEvent.update({ where: { id: event.id }, data: { success: false } });
    expect(await verifyAuditEvent(t.db, event.id)).toEqual({ available: true, verified: false, message: "Event signature mismatch: the event was modified" });
    await expect(verifyAuditEvent(t.db, "00000000-0000-0000-0000-000000000000")).rejects.toMatchObject({ status: 404 });
    await expect(verifyAuditEvent(t.db, "bad id!")).rejects.toBeInstanceOf(ApiError);
  });
});
