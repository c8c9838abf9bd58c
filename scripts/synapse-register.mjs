#!/usr/bin/env node
// Register a user on the test Synapse (shared-secret admin API); log in instead if it exists.
//
//   node scripts/synapse-register.mjs USER PASSWORD [--admin]
//
// Reads MATRIX_HOMESERVER_URL and MATRIX_REGISTRATION_SECRET from the environment
// (e.g. `set -a; . .tmp/synapse.env; set +a`). Prints {"user_id": ..., "access_token": ...}.
import { registerUser } from "./synapse-admin.mjs";

const args = process.argv.slice(2);
const admin = args.includes("--admin");
const positional = args.filter((a) => a !== "--admin");
const [user, password] = positional;
if (positional.length !== 2 || !user || !password || args.some((a) => a.startsWith("-") && a !== "--admin")) {
  console.error("usage: node scripts/synapse-register.mjs USER PASSWORD [--admin]");
  process.exit(2);
}

const baseUrl = process.env.MATRIX_HOMESERVER_URL;
const secret = process.env.MATRIX_REGISTRATION_SECRET;
if (!baseUrl || !secret) {
  console.error("MATRIX_HOMESERVER_URL and MATRIX_REGISTRATION_SECRET must be set (see .tmp/synapse.env)");
  process.exit(2);
}

try {
  const { userId, accessToken } = await registerUser(baseUrl, secret, user, password, admin);
  console.log(JSON.stringify({ user_id: userId, access_token: accessToken }));
} catch (err) {
  console.error(`synapse-register: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
