import { outputFormat } from '../providers/request-extras.js';

/** The schema a request's response_format json_schema names, for the json-schema judge: `{}` when it names none. */
export function responseSchemaOf(extra: Readonly<Record<string, unknown>> | undefined): {
  responseSchema?: Readonly<Record<string, unknown>>;
} {
  const format = extra?.response_format === undefined ? undefined : outputFormat(extra);
  return format?.type === 'json_schema' ? { responseSchema: format.schema } : {};
}
