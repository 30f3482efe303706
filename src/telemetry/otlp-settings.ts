import type { TelemetryConfig } from '../config/sluice-schema.js';

/** Where and as whom Sluice exports over OTLP/HTTP. */
export interface OtlpSettings {
  /** The OTLP/HTTP base URL, without a trailing slash: /v1/traces, /v1/metrics and /v1/logs are appended. */
  readonly endpoint: string;
  readonly serviceName: string;
  /** OTEL_METRIC_EXPORT_INTERVAL (ms), when set: how often metrics are exported (the SDK's default is 60 s). */
  readonly metricIntervalMs?: number;
}

/**
 * The export settings, or undefined when nothing is to be exported:
 * `telemetry.otlp_endpoint` in sluice.yaml, else the standard
 * OTEL_EXPORTER_OTLP_ENDPOINT; OTEL_SDK_DISABLED=true turns both off.
 */
export function otlpSettings(
  config: Pick<TelemetryConfig, 'otlp_endpoint' | 'service_name'>,
  env: NodeJS.ProcessEnv,
): OtlpSettings | undefined {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return undefined;
  const endpoint = config.otlp_endpoint ?? (env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() || undefined);
  if (endpoint === undefined) return undefined;
  const interval = Number(env.OTEL_METRIC_EXPORT_INTERVAL);
  return {
    endpoint: endpoint.replace(/\/+$/, ''),
    serviceName: config.service_name ?? (env.OTEL_SERVICE_NAME?.trim() || 'sluice'),
    ...(Number.isInteger(interval) && interval > 0 ? { metricIntervalMs: interval } : {}),
  };
}
