import type { Schemas } from '@sysponto/api-client';
import { api } from './client';

/**
 * Pages written before their routes reached libs/api-client used a preview client. Every route is in the generated
 * client now: these aliases keep such pages compiling against it. New code imports `api` and `Schemas` directly.
 */
export const previewApi = api;
export type Preview = Schemas;
