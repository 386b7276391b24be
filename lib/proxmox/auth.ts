/**
 * Request authentication: API token header, or a ticket session (cookie + CSRF token on
 * writes) that logs in once for all concurrent callers and renews before the 2 h expiry.
 */
import { fail, ok, type PveResult } from "./errors";
import type { PveCredentials } from "./config";
import { parseResponse } from "./response";
import { TicketSchema } from "./schemas";
import type { PveTransport } from "./transport";

export interface PveAuth {
  headers(method: string): Promise<PveResult<Record<string, string>>>;
  /** After a 401: whether retrying with fresh credentials makes sense (once per request). */
  invalidate(usedHeaders: Record<string, string>): boolean;
}

export class TokenAuth implements PveAuth {
  private readonly value: Record<string, string>;
  constructor(tokenId: string, secret: string) {
    this.value = { authorization: `PVEAPIToken=${tokenId}=${secret}` };
  }
  async headers(): Promise<PveResult<Record<string, string>>> {
    return ok(this.value);
  }
  invalidate(): boolean {
    return false;
  }
}

/** PVE tickets live 2 h; renew well before so a long poll never straddles the expiry. */
export const TICKET_RENEW_AFTER_MS = 105 * 60_000;

interface Ticket {
  ticket: string;
  csrf: string;
  issuedAt: number;
}

export class TicketAuth implements PveAuth {
  private current?: Ticket;
  private pending?: Promise<PveResult<Ticket>>;

  constructor(
    private readonly transport: PveTransport,
    private readonly username: string,
    private readonly password: string,
    private readonly now: () => number = Date.now,
  ) {}

  async headers(method: string): Promise<PveResult<Record<string, string>>> {
    const t = await this.ticket();
    if (!t.ok) return t;
    const h: Record<string, string> = { cookie: `PVEAuthCookie=${t.data.ticket}` };
    if (method !== "GET") h.csrfpreventiontoken = t.data.csrf;
    return ok(h);
  }

  invalidate(usedHeaders: Record<string, string>): boolean {
    if (this.current && usedHeaders.cookie === `PVEAuthCookie=${this.current.ticket}`) this.current = undefined;
    return true;
  }

  private ticket(): Promise<PveResult<Ticket>> {
    const t = this.current;
    if (t && this.now() - t.issuedAt < TICKET_RENEW_AFTER_MS) return Promise.resolve(ok(t));
    // single flight: every caller waiting for a ticket shares this login (so it is not
    // tied to any one caller's abort signal)
    this.pending ??= this.login().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  private async login(): Promise<PveResult<Ticket>> {
    const path = "/access/ticket";
    let raw = await this.transport.send({
      method: "POST",
      path,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: this.username, password: this.password }),
    });
    // older pveproxy releases only take form bodies
    if (raw.ok && (raw.data.status === 400 || raw.data.status === 415)) {
      raw = await this.transport.send({
        method: "POST",
        path,
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ username: this.username, password: this.password }).toString(),
      });
    }
    if (!raw.ok) return raw;
    const parsed = parseResponse(raw.data, TicketSchema, path);
    if (!parsed.ok) {
      if (parsed.error.kind === "auth_failed") {
        return fail("auth_failed", `login as ${this.username} failed: ${parsed.error.message}`, { status: parsed.error.status, path });
      }
      return parsed;
    }
    const ticket = { ticket: parsed.data.ticket, csrf: parsed.data.CSRFPreventionToken, issuedAt: this.now() };
    this.current = ticket;
    return ok(ticket);
  }
}

export function createAuth(credentials: PveCredentials, transport: PveTransport, now?: () => number): PveAuth {
  return credentials.kind === "token"
    ? new TokenAuth(credentials.tokenId, credentials.secret)
    : new TicketAuth(transport, credentials.username, credentials.password, now);
}
