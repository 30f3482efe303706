import type { GateResult } from '../gate/core/gate-result.js';
import { EVALUATION_EVENT, gateEvaluationEvents } from './core/evaluation-events.js';
import { otlpLoggerProvider, otlpResource } from './otlp-resource.js';
import type { OtlpSettings } from './otlp-settings.js';

/**
 * Sends a recorded gate's verdicts (the release overall and each slice) as
 * `gen_ai.evaluation.result` events over OTLP, and waits until they are
 * exported. A collector that is down costs at most the exporter's timeout and
 * never changes the gate: failures are logged by the SDK, not thrown.
 */
export async function exportGateEvaluations(
  settings: OtlpSettings,
  result: GateResult,
  o: { serviceVersion?: string } = {},
): Promise<void> {
  const provider = otlpLoggerProvider(settings, otlpResource(settings, o));
  const logger = provider.getLogger('sluice', o.serviceVersion);
  const timestamp = Date.parse(result.at);
  for (const attributes of gateEvaluationEvents(result))
    logger.emit({ eventName: EVALUATION_EVENT, attributes, ...(Number.isNaN(timestamp) ? {} : { timestamp }) });
  await provider.shutdown();
}
