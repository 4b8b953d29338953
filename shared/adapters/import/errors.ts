import { InfluenceRouterError } from '../../domain/errors.js';

/** The import file as a whole cannot be read: missing, not UTF-8, no usable header row. */
export class ImportFileError extends InfluenceRouterError {}
