/**
 * A workflow failure arrives as a chain (`WorkflowFailedError` → `ActivityFailure` →
 * `ApplicationFailure`); the useful message is usually the last one. The command lines print
 * the whole chain, one cause per line, so nothing is hidden.
 */
export function describeFailureChain(err: unknown): string {
  const lines: string[] = [];
  let current: unknown = err;
  for (let depth = 0; current !== undefined && current !== null && depth < 10; depth += 1) {
    if (!(current instanceof Error)) {
      lines.push(typeof current === 'string' ? current : JSON.stringify(current));
      break;
    }
    const type = 'type' in current && typeof current.type === 'string' ? ` [${current.type}]` : '';
    lines.push(`${'  '.repeat(depth)}${current.name}: ${current.message}${type}`);
    current = current.cause;
  }
  return lines.join('\n');
}
