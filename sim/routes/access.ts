/** /access: login tickets and the realm list, the only calls that need no credentials. */
import type { Route } from "../router";

export const accessRoutes: Route[] = [
  {
    method: "POST",
    pattern: "/access/ticket",
    public: true,
    params: { allowed: ["username", "password", "realm", "otp", "path", "privs", "new-format", "tfa-challenge"], required: ["username", "password"] },
    handler: (ctx) => ctx.auth.createTicket(ctx.args),
  },
  // The GUI probes this; it only ever answers null.
  { method: "GET", pattern: "/access/ticket", public: true, handler: () => null },
  {
    method: "GET",
    pattern: "/access/domains",
    public: true,
    params: { allowed: [] },
    handler: () => [
      { realm: "pam", type: "pam", comment: "Linux PAM standard authentication" },
      { realm: "pve", type: "pve", comment: "Proxmox VE authentication server" },
    ],
  },
];
