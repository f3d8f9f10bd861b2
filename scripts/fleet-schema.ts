/**
 * `npm run fleet:schema`: writes schemas/fleet.schema.json, the JSON Schema editors check fleet
 * specs with, generated from the spec's zod schema (test/fleet/spec.test.ts fails when the
 * committed file is out of date). A spec opts in with its first line:
 *
 *     # yaml-language-server: $schema=../schemas/fleet.schema.json
 *
 * The rules that compare entries (duplicates, a tenant's store) and the field checks written as
 * code (visible text, addresses per channel) are the zod schema's alone: editors see the shape,
 * the patterns and the limits.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { fleetSpecShapeSchema } from '../src/workflows/fleet/spec-input';

export const FLEET_SCHEMA_PATH = join(__dirname, '..', 'schemas', 'fleet.schema.json');

/** The file's text (left out of Prettier's reach: generated, never edited by hand). */
export function fleetSchemaText(): string {
  const schema = z.toJSONSchema(fleetSpecShapeSchema(), {
    target: 'draft-2020-12',
    // What a file holds, before defaults; checks written as code have no JSON Schema form.
    io: 'input',
    unrepresentable: 'any',
  });
  return `${JSON.stringify(schema, null, 2)}\n`;
}

if (require.main === module) {
  writeFileSync(FLEET_SCHEMA_PATH, fleetSchemaText());
  console.log(`wrote ${FLEET_SCHEMA_PATH}`);
}
