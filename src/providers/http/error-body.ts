import { at, bodySnippet, str, tryParse } from './json-access.js';

/**
 * A JSON error body {"error": {"message", …}} as "message (qualifier)", the
 * qualifier read from the field of that name; the body's first line when it
 * carries no message.
 */
export function errorBodyText(body: string, qualifierField: string): string {
  const err = at(tryParse(body), 'error');
  const message = str(at(err, 'message'));
  if (message === undefined) return bodySnippet(body);
  const qualifier = str(at(err, qualifierField));
  return qualifier ? `${message} (${qualifier})` : message;
}
