import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { type Resource, resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import type { OtlpSettings } from './otlp-settings.js';

/** What Sluice exports as: service.name, and service.version and service.instance.id when known. */
export function otlpResource(
  settings: Pick<OtlpSettings, 'serviceName'>,
  o: { serviceVersion?: string; instanceId?: string } = {},
): Resource {
  return resourceFromAttributes({
    'service.name': settings.serviceName,
    ...(o.serviceVersion ? { 'service.version': o.serviceVersion } : {}),
    ...(o.instanceId ? { 'service.instance.id': o.instanceId } : {}),
  });
}

/** Evaluation events go out as OTLP log records, batched, to ENDPOINT/v1/logs. */
export function otlpLoggerProvider(settings: Pick<OtlpSettings, 'endpoint'>, resource: Resource): LoggerProvider {
  return new LoggerProvider({
    resource,
    processors: [
      new BatchLogRecordProcessor({ exporter: new OTLPLogExporter({ url: `${settings.endpoint}/v1/logs` }) }),
    ],
  });
}
