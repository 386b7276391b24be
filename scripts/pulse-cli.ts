/**
 * `npm run pulse -- <command>`: administration from the machine Pulse runs on, for when
 * nobody can sign in. Works on the same database as the server (PULSE_DATA_DIR /
 * DATABASE_URL), whether the server is running or not.
 *
 *   reset-password --user <name> [--password <p>]   set a new password (prompted, or generated and printed); ends that user's sessions
 *   create-token --name <n> --scope <scope> [...]   create an API token and print it once
 *   bootstrap-token                                 print the first-run bootstrap token while setup is pending
 */
import { randomBytes } from "node:crypto";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { recordAuditEvent } from "../lib/audit/record";
import { bootstrapTokenPath, ensureBootstrapToken, isAuthConfigured, removeBootstrapToken } from "../lib/auth/setup";
import { SCOPES, type Scope } from "../lib/auth/scopes";
import { deleteUserSessions } from "../lib/auth/sessions";
import { findUser, listUsers, MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, setPassword } from "../lib/auth/users";
import { getEnv } from "../lib/config/env";
import { generateApiToken } from "../lib/crypto/tokens";
import { createApiToken } from "../lib/db/api-tokens";
import { closeDb, getDb } from "../lib/db/client";
import { migrateDatabase } from "../lib/db/migrate";

const USAGE = `Usage: npm run pulse -- <command>

  reset-password --user <name> [--password <p>]
      Set a new password for a user (min ${MIN_PASSWORD_LENGTH} characters). Without --password
      it is asked for on a terminal, or generated and printed. Ends the user's sessions.
  create-token --name <name> --scope <scope> [--scope <scope> ...]
      Create an API token and print it (shown only once). Scopes: ${SCOPES.join(", ")}
  bootstrap-token
      Print the first-run bootstrap token while setup is pending.
`;

/** Wrong or missing arguments: exit 2. */
class UsageError extends Error {}
/** A request that cannot be done (unknown user, setup already complete…): exit 1. */
class Refusal extends Error {}

function promptHidden(question: string): Promise<string> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
    // Echo the question, but not what is typed.
    const output = rl as unknown as { _writeToOutput: (s: string) => void; output: NodeJS.WriteStream };
    let muted = false;
    output._writeToOutput = (s: string) => {
      if (!muted) output.output.write(s);
    };
    rl.question(question, (answer) => {
      rl.close();
      process.stdout.write("\n");
      resolve(answer);
    });
    muted = true;
  });
}

async function newPassword(given: string | undefined): Promise<{ password: string; generated: boolean }> {
  if (given !== undefined) return { password: given, generated: false };
  if (process.stdin.isTTY) {
    const first = await promptHidden("New password: ");
    const again = await promptHidden("Repeat it: ");
    if (first !== again) throw new Refusal("The passwords do not match");
    return { password: first, generated: false };
  }
  return { password: randomBytes(18).toString("base64url"), generated: true };
}

async function resetPassword(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { user: { type: "string" }, password: { type: "string" } }, strict: true });
  if (!values.user) throw new UsageError("reset-password needs --user <name>");
  const db = getDb();
  const user = await findUser(db, values.user);
  if (!user) {
    const known = (await listUsers(db)).map((u) => u.username);
    throw new Refusal(`No user named "${values.user}"${known.length ? ` (users: ${known.join(", ")})` : " (no users yet: run the first-run setup)"}`);
  }
  const { password, generated } = await newPassword(values.password);
  if (password.length < MIN_PASSWORD_LENGTH) throw new Refusal(`The password must be at least ${MIN_PASSWORD_LENGTH} characters`);
  if (password.length > MAX_PASSWORD_LENGTH) throw new Refusal(`The password must be at most ${MAX_PASSWORD_LENGTH} characters`);

  await setPassword(db, user.username, password);
  const ended = await deleteUserSessions(db, user.username);
  await recordAuditEvent(db, { event: "password_changed", user: user.username, success: true, details: `Password reset with the pulse CLI; ${ended} session(s) ended` });
  console.log(`Password for ${user.username} reset; ${ended} session(s) ended.`);
  if (generated) console.log(`\nNew password (shown only now):\n\n    ${password}\n`);
  if (user.source === "env") console.log("Note: PULSE_AUTH_PASS is set for this user; update it too, or the old password returns at the next restart.");
  console.log("If the account is locked after failed logins, wait 15 minutes or restart Pulse.");
}

async function createToken(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { name: { type: "string" }, scope: { type: "string", multiple: true } }, strict: true });
  const name = values.name?.trim();
  if (!name || name.length > 128) throw new UsageError("create-token needs --name <name> (up to 128 characters)");
  const scopes = [...new Set(values.scope ?? [])];
  if (!scopes.length) throw new UsageError(`create-token needs at least one --scope (${SCOPES.join(", ")})`);
  const unknown = scopes.filter((s) => !(SCOPES as readonly string[]).includes(s));
  if (unknown.length) throw new UsageError(`Unknown scope ${unknown.join(", ")}; known: ${SCOPES.join(", ")}`);

  const db = getDb();
  const token = generateApiToken();
  await createApiToken(db, { name, hash: token.hash, prefix: token.prefix, suffix: token.suffix, scopes: scopes as Scope[], source: "user" });
  // A token is a way in: first-run setup is no longer pending, as at the next server start.
  removeBootstrapToken(getEnv().dataDir);
  await recordAuditEvent(db, { event: "token_created", user: "cli", success: true, details: `API token "${name}" created with the pulse CLI (scopes: ${scopes.join(", ")})` });
  console.log(`Created API token "${name}" (scopes: ${scopes.join(", ")}). It is shown only this once:\n\n    ${token.raw}\n`);
}

async function bootstrapToken(): Promise<void> {
  const db = getDb();
  if (await isAuthConfigured(db)) throw new Refusal("Setup is complete: there is no bootstrap token. Use reset-password or create-token instead.");
  const { dataDir } = getEnv();
  const token = ensureBootstrapToken(dataDir);
  console.log(`Bootstrap token (from ${bootstrapTokenPath(dataDir)}):\n\n    ${token}\n`);
}

/**
 * A database the server never started on gets its tables here. An existing one is left
 * alone: the server migrates it at start, and a migration cannot run while it holds the
 * SQLite file.
 */
async function ensureDatabase(): Promise<void> {
  try {
    await getDb().setting.findFirst();
  } catch {
    await closeDb();
    await migrateDatabase();
  }
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === "help" || command === "--help" || command === "-h") {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  const commands: Record<string, (args: string[]) => Promise<void>> = {
    "reset-password": resetPassword,
    "create-token": createToken,
    "bootstrap-token": () => bootstrapToken(),
  };
  const run = commands[command];
  if (!run) {
    console.error(`Unknown command "${command}"\n\n${USAGE}`);
    return 2;
  }
  try {
    await ensureDatabase();
    await run(rest);
    return 0;
  } catch (err) {
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
      console.error(`Error: ${(err as Error).message}`);
      return 2;
    }
    console.error(`${err instanceof Refusal ? "" : "Error: "}${err instanceof Error ? err.message : String(err)}`);
    return 1;
  } finally {
    await closeDb();
  }
}

main(process.argv.slice(2)).then((code) => process.exit(code));
