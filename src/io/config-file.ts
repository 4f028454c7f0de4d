/** Reads `idrecon.config.json` (or `--config FILE`) and validates it with the pure parser. */
import { existsSync, readFileSync } from 'node:fs';
import { ConfigError } from '../errors.js';
import { DEFAULT_CONFIG, parseConfig, type Config } from '../core/config.js';

export const DEFAULT_CONFIG_FILE = 'idrecon.config.json';

/**
 * Loads the config named by `--config`, else `./idrecon.config.json` when present, else the
 * defaults. Throws ConfigError listing every problem.
 */
export function loadConfigFile(path: string | undefined): { config: Config; file?: string } {
  const file = path ?? (existsSync(DEFAULT_CONFIG_FILE) ? DEFAULT_CONFIG_FILE : undefined);
  if (file === undefined) return { config: structuredClone(DEFAULT_CONFIG) };
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new ConfigError(`Cannot read config file ${file}: check the path and permissions.`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    throw new ConfigError(`Config file ${file} is not valid JSON (${(e as Error).message}).`);
  }
  const { config, problems } = parseConfig(raw);
  if (problems.length > 0) {
    throw new ConfigError(
      `Config file ${file} has ${problems.length} problem${problems.length === 1 ? '' : 's'}: ${problems.join('; ')}.`,
      problems,
    );
  }
  return { config, file };
}
