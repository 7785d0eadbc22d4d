import assert from 'node:assert/strict';
// @ts-expect-error: a plain .mjs script without type declarations
import { withoutNpmRunEnv } from '../../scripts/npm-env.mjs';

describe('test tool install under npm run', () => {
  it('does not pass the outer npm run configuration (node/v20 user agent) to the inner npm install', () => {
    const env = withoutNpmRunEnv({ PATH: '/bin', HOME: '/root', npm_config_user_agent: 'npm/11 node/v20.20.2 linux x64', npm_lifecycle_event: 'start', INIT_CWD: '/x', NODE: '/usr/bin/node' });
    assert.deepEqual(env, { PATH: '/bin', HOME: '/root' });
  });
});
