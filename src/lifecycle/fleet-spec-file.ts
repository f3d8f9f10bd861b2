/**
 * A fleet spec file: YAML (JSON is YAML too), parsed with the `yaml` package and validated by the
 * spec's schema. Every problem is one line naming the file, where in it, and the rule:
 *
 *     fleet.yaml: tenants[12].store: names no store of the spec (stores: eu, us)
 *     fleet.yaml:3:5: Implicit map keys need to be followed by map values
 *
 * A spec without `name` is named after its file (`prod.yaml` → `prod`).
 */
import { open } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { parseDocument, type YAMLError } from 'yaml';
import type { FleetSpec } from '../workflows/fleet/definitions';
import { InvalidFleetSpecError, parseFleetSpec } from '../workflows/fleet/spec-input';

/** Far above a 1,000-tenant spec (about 1 MB): a larger file is a mistake, not a fleet. */
export const MAX_SPEC_FILE_BYTES = 16 * 1024 * 1024;
/** Aliases may expand a small file into a huge value ("billion laughs"); a spec needs few. */
const MAX_ALIAS_COUNT = 1_000;

export interface FleetSpecProblem {
  /**
   * Where the problem is: a path in the spec (`tenants[12].store`), or `line:column` for YAML;
   * none when it is the whole file's (it cannot be read).
   */
  at?: string;
  message: string;
}

/** A spec file that cannot be read, parsed or validated; one message line per problem. */
export class FleetSpecFileError extends Error {
  readonly file: string;
  readonly problems: FleetSpecProblem[];

  constructor(file: string, problems: FleetSpecProblem[]) {
    super(problems.map((problem) => `${file}${where(problem)}: ${problem.message}`).join('\n'));
    this.name = 'FleetSpecFileError';
    this.file = file;
    this.problems = problems;
  }
}

/** YAML positions join the file name as compilers write them (`file:3:5`); paths follow a colon. */
function where({ at }: FleetSpecProblem): string {
  if (at === undefined) return '';
  return /^\d+:\d+$/.test(at) ? `:${at}` : `: ${at}`;
}

/** Reads and validates a spec file; throws `FleetSpecFileError` naming every problem. */
export async function loadFleetSpec(path: string): Promise<FleetSpec> {
  return parseFleetSpecText(await readSpecFile(path), path);
}

/**
 * Validates a spec's text; `fileName` names it in errors and, without a `name` in the spec, the
 * fleet (its base name without extension).
 */
export function parseFleetSpecText(text: string, fileName: string): FleetSpec {
  const file = basename(fileName);
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  // Warnings too (an unknown tag, ...): a spec that does not read as written is not applied.
  const syntax = [...document.errors, ...document.warnings];
  if (syntax.length > 0) throw new FleetSpecFileError(file, syntax.map(yamlProblem));
  let raw: unknown;
  try {
    raw = document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    throw new FleetSpecFileError(file, [{ message: (error as Error).message }]);
  }
  try {
    return parseFleetSpec(raw ?? {}, basename(file, extname(file)));
  } catch (error) {
    if (!(error instanceof InvalidFleetSpecError)) throw error;
    throw new FleetSpecFileError(
      file,
      error.issues.map(({ path, message }) => ({ at: path === '(input)' ? '(top level)' : path, message })),
    );
  }
}

/** `line:column` and the parser's message without its code frame (the position says where). */
function yamlProblem(error: YAMLError): FleetSpecProblem {
  const position = error.linePos?.[0];
  const message = error.message.split(/ at line \d+, column \d+/)[0]?.trim() || error.message;
  return { at: position ? `${position.line}:${position.col}` : undefined, message };
}

/** Read at a time: the file's size is not trusted (a device or a growing file has none). */
const READ_CHUNK_BYTES = 64 * 1024;

/** The file's text, refused past `MAX_SPEC_FILE_BYTES` without reading the rest. */
async function readSpecFile(path: string): Promise<string> {
  const file = basename(path);
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw new FleetSpecFileError(file, [{ message: `cannot be read: ${(error as Error).message}` }]);
  }
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.alloc(READ_CHUNK_BYTES);
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) return Buffer.concat(chunks).toString('utf8');
      total += bytesRead;
      if (total > MAX_SPEC_FILE_BYTES) {
        throw new FleetSpecFileError(file, [
          { message: `is larger than ${MAX_SPEC_FILE_BYTES} bytes: too large for a fleet spec` },
        ]);
      }
      chunks.push(chunk.subarray(0, bytesRead));
    }
  } finally {
    await handle.close();
  }
}
