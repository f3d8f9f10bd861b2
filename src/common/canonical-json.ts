/**
 * JSON with every object's keys sorted: equal texts for equal values, whatever the key order.
 * Pure, so workflow code may import it (a patch's changes are compared with it), and stable
 * across releases: update IDs and run digests made from it must stay the same for the same input.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, field: unknown) =>
    field !== null && typeof field === 'object' && !Array.isArray(field)
      ? Object.fromEntries(Object.entries(field).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : field,
  );
}
