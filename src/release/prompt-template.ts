import { errOf, ok, type Problem, type Result } from '../kernel/result.js';

/** `{{name}}` placeholders (whitespace inside the braces allowed). */
const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_.-]*)\s*\}\}/g;

/** `missing_variable` names the variable with no value. */
export interface MissingVariable extends Problem<'missing_variable'> {
  readonly variable: string;
}

/** The rendered text, or the variable that has no value. */
export type RenderResult = Result<string, MissingVariable>;

/** A template split once: `text[0] var[0] text[1] var[1] … text[n]`. */
interface Compiled {
  readonly text: readonly string[];
  readonly vars: readonly string[];
  /** Each variable once, in order of first use. */
  readonly names: readonly string[];
}

/** Templates are a release's prompts: few, and rendered on every request. */
const compiled = new Map<string, Compiled>();
const MAX_COMPILED = 256;

function compile(template: string): Compiled {
  let c = compiled.get(template);
  if (c) return c;
  const text: string[] = [];
  const vars: string[] = [];
  let at = 0;
  for (const m of template.matchAll(PLACEHOLDER)) {
    text.push(template.slice(at, m.index));
    vars.push(m[1]!);
    at = m.index + m[0].length;
  }
  text.push(template.slice(at));
  c = { text, vars, names: [...new Set(vars)] };
  if (compiled.size >= MAX_COMPILED) compiled.clear();
  compiled.set(template, c);
  return c;
}

/** The variable names a template uses, in order of first use. */
export function templateVariables(template: string): string[] {
  return [...compile(template).names];
}

/** Renders a prompt template; a variable with no value is an error, never an empty string. */
export function renderTemplate(template: string, vars: Readonly<Record<string, unknown>>): RenderResult {
  const c = compile(template);
  for (const name of c.names) {
    const v = vars[name];
    if (v === undefined || v === null) {
      return errOf({ code: 'missing_variable', variable: name, message: `prompt variable "${name}" has no value` });
    }
  }
  let text = c.text[0]!;
  for (let i = 0; i < c.vars.length; i++) {
    const v = vars[c.vars[i]!];
    text += (typeof v === 'string' ? v : JSON.stringify(v)) + c.text[i + 1]!;
  }
  return ok(text);
}
