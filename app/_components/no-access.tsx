import { SignOutButton } from "./sign-out-button";

/** Signed in, but no role grants monitoring data yet. */
export function NoAccess({ message }: { message: string }) {
  return (
    <main className="flex min-h-screen items-center justify-center p-4">
      <div className="max-w-md rounded-xl border border-gray-200 bg-white p-8 text-sm shadow-sm dark:border-gray-800 dark:bg-gray-900" data-testid="no-access">
        <h1 className="mb-2 text-xl font-semibold">No access to monitoring data</h1>
        <p className="mb-6 text-gray-600 dark:text-gray-400">{message}. Ask an administrator to assign you a role.</p>
        <SignOutButton />
      </div>
    </main>
  );
}
