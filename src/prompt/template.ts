/** `{{name}}` placeholders (whitespace inside the braces allowed). */
const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_.-]*)\s*\}\}/g;

export type RenderResult = { ok: true; text: string } | { ok: false; code: 'missing_variable'; variable: string; message: string };

/** The variable names a template uses, in order of first use. */
export function templateVariables(template: string): string[] {
  return [...new Set(Array.from(template.matchAll(PLACEHOLDER), (m) => m[1]!))];
}

/** Renders a prompt template; a variable with no value is an error, never an empty string. */
export function renderTemplate(template: string, vars: Readonly<Record<string, unknown>>): RenderResult {
  for (const name of templateVariables(template)) {
    const v = vars[name];
    if (v === undefined || v === null) {
      return { ok: false, code: 'missing_variable', variable: name, message: `prompt variable "${name}" has no value` };
    }
  }
  const text = template.replace(PLACEHOLDER, (_, name: string) => {
    const v = vars[name];
    return typeof v === 'string' ? v : JSON.stringify(v);
  });
  return { ok: true, text };
}
