// Environment hygiene for the npm installs scripts/test-tools.mjs runs (kept apart so unit tests can
// import it without the script's top-level code).

/**
 * The environment without what an outer `npm run` (e.g. `npm start`) exported: its `npm_config_*`
 * would configure the inner `npm install` — `npm_config_user_agent` says `node/v20`, and
 * code-server's postinstall refuses to build for anything but Node 24.
 */
export function withoutNpmRunEnv(env) {
  return Object.fromEntries(Object.entries(env).filter(([key]) => !/^npm_/i.test(key) && key !== 'INIT_CWD' && key !== 'NODE'));
}
