/**
 * What leaves for the tracing backend: spans without error messages, stack traces or structured
 * attributes. The Temporal interceptors record a failed activity's or workflow's message and
 * stack on its span, and an API error's message can quote the server's body (a phone number, a
 * message text); the workflow span exporter also copies the run's info (memo, search attributes)
 * onto workflow spans. A span keeps its name, plain attribute values, status code and the
 * exception's type: enough to find the run (workflow and run IDs) and what failed.
 */
import type { Context } from '@opentelemetry/api';
import type { Attributes, AttributeValue } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';

export class PrivateSpanProcessor implements SpanProcessor {
  constructor(private readonly next: SpanProcessor) {}

  onStart(span: Span, parentContext: Context): void {
    this.next.onStart(span, parentContext);
  }

  onEnd(span: ReadableSpan): void {
    this.next.onEnd(privateView(span));
  }

  forceFlush(): Promise<void> {
    return this.next.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.next.shutdown();
  }
}

/** The span with its status message, exception details and structured attributes left out. */
function privateView(span: ReadableSpan): ReadableSpan {
  return Object.create(span, {
    status: { value: { code: span.status.code } },
    attributes: { value: plainAttributes(span.attributes) },
    events: {
      value: span.events.map((event) =>
        event.name === 'exception'
          ? { ...event, attributes: { 'exception.type': event.attributes?.['exception.type'] } }
          : event,
      ),
    },
  }) as ReadableSpan;
}

function plainAttributes(attributes: Attributes): Attributes {
  return Object.fromEntries(Object.entries(attributes).filter(([, value]) => isPlain(value)));
}

function isPlain(value: AttributeValue | undefined): boolean {
  const plain = (item: unknown) => ['string', 'number', 'boolean'].includes(typeof item);
  return Array.isArray(value) ? value.every(plain) : plain(value);
}
