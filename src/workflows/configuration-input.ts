/**
 * The fields of a configuration as a provisioning creates it and as a patch changes it: the
 * API's create request without the store, which the provisioning gives, with the grouping left
 * to the workflow's default and status callbacks limited to the methods a read shows (a patch
 * compares what it sends with what it reads).
 */
import type { z } from 'zod';
import { GROUPING_TYPES, READABLE_CALLBACK_METHODS } from '../api/field-rules';
import { configurationCreateSchema, exactly, statusCallbacksSchema } from '../api/request-schemas';

/** The fields of a configuration (create and full replace). */
export function configurationFieldsSchema() {
  return configurationCreateSchema()
    .omit({ memoryStoreId: true })
    .extend({
      conversationGroupingType: exactly(GROUPING_TYPES).optional(),
      statusCallbacks: statusCallbacksSchema(exactly(READABLE_CALLBACK_METHODS)).optional(),
    });
}

/** The same fields, each optional: what a change to an existing configuration may hold. */
export function configurationPatchSchema() {
  return configurationFieldsSchema().partial();
}

/** The fields a patch may set, each with its documented rules. */
export type ConfigurationPatch = z.output<ReturnType<typeof configurationPatchSchema>>;
