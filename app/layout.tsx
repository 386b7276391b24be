import type { Metadata, Viewport } from "next";
import { AppShell } from "./_components/app-shell";
import { Providers } from "./_components/providers";
import { themeInitScript } from "./_components/theme";
import { currentViewer } from "./_lib/viewer";
import "./globals.css";

export const metadata: Metadata = {
  title: "Pulse",
  description: "Real-time monitoring for Proxmox VE, PBS and PMG",
  icons: { icon: "/favicon.svg" },
};

export const viewport: Viewport = {
  width: "device-width",
  initialScale: 1,
  themeColor: [
    { media: "(prefers-color-scheme: light)", color: "#ffffff" },
    { media: "(prefers-color-scheme: dark)", color: "#030712" },
  ],
};

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  // The signed-in user for the top bar (a kiosk `?token=` page has none: layouts see no query).
  const viewer = await currentViewer().catch(() => undefined);
  const user = viewer?.kind === "user" && viewer.username ? { username: viewer.username, hasSession: viewer.hasSession } : undefined;
  return (
    <html lang="en" suppressHydrationWarning>
      <head>
        <script dangerouslySetInnerHTML={{ __html: themeInitScript }} />
      </head>
      <body className="min-h-screen bg-gray-50 text-gray-900 dark:bg-gray-950 dark:text-gray-100">
        <Providers>
          <AppShell user={user}>{children}</AppShell>
        </Providers>
      </body>
    </html>
  );
}
