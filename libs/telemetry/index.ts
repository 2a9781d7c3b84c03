import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
} from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

export { SpanKind, type Span };

/**
 * OpenTelemetry tracing, off unless an OTLP endpoint is configured by the standard variables
 * (`OTEL_EXPORTER_OTLP_ENDPOINT` or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`; `OTEL_SDK_DISABLED=true`
 * turns it off; `OTEL_SERVICE_NAME` and the exporter's other variables are honoured). Node calls
 * (undici) are traced; a write's context rides its log message (`trace`, W3C traceparent), so the
 * gateway's request, the log append, every node writer's node call and the task's final status
 * are one trace. Returns what flushes and stops it.
 */
export function startTracing(service: string): () => Promise<void> {
  const env = process.env;
  const endpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? env.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (!endpoint || env.OTEL_SDK_DISABLED === 'true') return async () => undefined;
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': env.OTEL_SERVICE_NAME ?? service }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())],
  });
  provider.register();
  registerInstrumentations({ instrumentations: [new UndiciInstrumentation()] });
  return () => provider.shutdown();
}

const tracer = () => trace.getTracer('miroir');

/** Runs `work` in a span (a child of `parent`, else of the active context), ending it after. */
export async function inSpan<T>(
  name: string,
  options: { kind?: SpanKind; attributes?: Attributes; parent?: Context; links?: Context[] },
  work: (span: Span) => Promise<T>,
): Promise<T> {
  const parent = options.parent ?? context.active();
  const links = (options.links ?? [])
    .map((c) => trace.getSpanContext(c))
    .filter((c) => c !== undefined)
    .map((c) => ({ context: c }));
  return tracer().startActiveSpan(
    name,
    { kind: options.kind ?? SpanKind.INTERNAL, attributes: options.attributes, links },
    parent,
    async (span) => {
      try {
        return await work(span);
      } catch (err) {
        span.recordException(err as Error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: String(err) });
        throw err;
      } finally {
        span.end();
      }
    },
  );
}

/** The active span's context as a W3C traceparent (what a log message carries), if tracing. */
export function activeTraceparent(): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent;
}

/** The context a carried traceparent (or incoming HTTP headers) continues; the root if none. */
export function contextOf(carrier: { traceparent?: string | string[] } | undefined): Context {
  const value = carrier?.traceparent;
  const traceparent = Array.isArray(value) ? value[0] : value;
  return traceparent ? propagation.extract(ROOT_CONTEXT, { traceparent }) : ROOT_CONTEXT;
}

/** A server span for one HTTP request; `enter` runs the rest of the request inside it. */
export function startRequestSpan(
  name: string,
  headers: Record<string, string | string[] | undefined>,
  attributes: Attributes,
): { span: Span; enter: (next: () => void) => void } {
  const span = tracer().startSpan(
    name,
    { kind: SpanKind.SERVER, attributes },
    contextOf(headers as { traceparent?: string }),
  );
  const ctx = trace.setSpan(context.active(), span);
  return { span, enter: (next) => context.with(ctx, next) };
}

/** A span's trace id when it is traced (recording or continuing a caller's trace), for logs. */
export function traceIdOf(span: Span): string | undefined {
  const ctx = span.spanContext();
  return trace.isSpanContextValid(ctx) ? ctx.traceId : undefined;
}

/** Ends a request span with its status (5xx: an error). */
export function endRequestSpan(span: Span, status: number): void {
  span.setAttribute('http.response.status_code', status);
  if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
  span.end();
}

/** A moment in a trace (a span that starts and ends now), e.g. a task reaching its final status. */
export function recordEvent(name: string, parent: Context, attributes: Attributes): void {
  if (!trace.getSpanContext(parent)) return;
  tracer().startSpan(name, { attributes }, parent).end();
}
