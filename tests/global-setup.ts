/** API tests run the production build; make sure it is current before any test starts. */
import { buildAll } from "../scripts/build.mjs";

export default async function setup(): Promise<void> {
  await buildAll({ ifStale: true, quiet: true });
}
