import { readFileSync } from 'node:fs';
import { ConfigurationError } from '../../domain/errors.js';
import { type ConfigMode, parseTenantsFile, type Tenant, type TenantsFile } from './tenants.js';

/** Looks tenants up by id; built once from the validated tenants file. */
export class TenantDirectory {
  private readonly byId: ReadonlyMap<string, Tenant>;

  constructor(file: TenantsFile) {
    this.byId = new Map(file.tenants.map((tenant) => [tenant.id, tenant]));
  }

  /** The tenant with this id, or undefined. */
  get(id: string): Tenant | undefined {
    return this.byId.get(id);
  }

  /** Every tenant. */
  all(): Tenant[] {
    return [...this.byId.values()];
  }
}

/**
 * Reads, parses and validates a tenants file; the error names the file and the bad field.
 *
 * @example loadTenantsFile('tenants.json', 'deployed')
 */
export function loadTenantsFile(path: string, mode: ConfigMode): TenantDirectory {
  return new TenantDirectory(readTenantsFile(path, mode).file);
}

/**
 * Reads and validates a tenants file, keeping each tenant as written beside its parsed form, so
 * what is stored is what the user wrote (defaults applied when read, not frozen into the data).
 *
 * @example readTenantsFile('tenants.json', 'deployed').written[0] // { id: 'acme', helpdesk: {...}, ... }
 */
export function readTenantsFile(path: string, mode: ConfigMode): { file: TenantsFile; written: unknown[] } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigurationError(`Cannot read tenants file ${path}: ${(error as Error).message}`, { cause: error });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ConfigurationError(`Tenants file ${path} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  const file = parseTenantsFile(data, mode, `tenants file ${path}`);
  // The schema accepted it, so `tenants` is an array of one entry per parsed tenant.
  const written: unknown[] =
    typeof data === 'object' && data !== null && 'tenants' in data && Array.isArray(data.tenants) ? data.tenants : [];
  return { file, written };
}
