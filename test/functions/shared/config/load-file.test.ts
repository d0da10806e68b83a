import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPlatformConfig } from '../../../../functions/shared/config/load-file';
import { ConfigError } from '../../../../functions/shared/errors';

const dir = mkdtempSync(join(tmpdir(), 'misybot-config-'));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('loadPlatformConfig', () => {
  it('returns the embedded default when no path is given', () => {
    expect(loadPlatformConfig().domain?.recordName).toBe('api');
  });

  it('ships config/default.json equal to the embedded default, so the README command checks the real thing', () => {
    expect(loadPlatformConfig(join(__dirname, '../../../../config/default.json'))).toEqual(
      loadPlatformConfig(),
    );
  });

  it('loads a user file and applies defaults to what it leaves out', () => {
    const config = loadPlatformConfig(file('ok.json', '{"name": "prod-eu", "fleet": {"maxCapacity": 40}}'));
    expect(config.name).toBe('prod-eu');
    expect(config.fleet).toMatchObject({ minCapacity: 2, maxCapacity: 40 });
  });

  it('says the file is missing', () => {
    expect(() => loadPlatformConfig(join(dir, 'absent.json'))).toThrow(/file not found/);
  });

  it('says the file is not JSON, naming the file', () => {
    const path = file('broken.json', '{"name": ');
    expect(() => loadPlatformConfig(path)).toThrow(ConfigError);
    expect(() => loadPlatformConfig(path)).toThrow(new RegExp(`Invalid ${path}:\\n  - not valid JSON`));
  });
});
