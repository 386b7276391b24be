"use client";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useState } from "react";
import { LiveStateProvider } from "../_lib/live-state";

/** Client-side context for every page: TanStack Query and the live state connection. */
export function Providers({ children }: { children: React.ReactNode }) {
  const [queryClient] = useState(
    () => new QueryClient({ defaultOptions: { queries: { staleTime: 30_000, retry: 1, refetchOnWindowFocus: false } } }),
  );
  return (
    <QueryClientProvider client={queryClient}>
      <LiveStateProvider>{children}</LiveStateProvider>
    </QueryClientProvider>
  );
}
