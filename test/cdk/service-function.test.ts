import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyTenantsFileCommand, REPO_ROOT } from '../../infra/cdk/constructs/service-function.js';

describe('copying the tenants file into a bundle', () => {
  it('addresses a file inside the project through the bundling input directory', () => {
    const command = copyTenantsFileCommand(join(REPO_ROOT, 'infra', 'cdk', 'config', 'tenants.json'), '/asset-input', '/asset-output');
    expect(command).toBe("cp '/asset-input/infra/cdk/config/tenants.json' '/asset-output/tenants.json'");
  });

  it('copies a file outside the project from its absolute path', () => {
    const command = copyTenantsFileCommand('/etc/influence-router/tenants.json', '/asset-input', '/tmp/out');
    expect(command).toBe("cp '/etc/influence-router/tenants.json' '/tmp/out/tenants.json'");
  });

  it('quotes paths so spaces and quotes cannot break or extend the command', () => {
    const command = copyTenantsFileCommand("/srv/o'brien tenants/t.json", '/in', '/out dir');
    expect(command).toBe("cp '/srv/o'\\''brien tenants/t.json' '/out dir/tenants.json'");
  });
});
