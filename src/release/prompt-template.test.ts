import { describe, expect, it } from 'vitest';
import { renderTemplate, templateVariables } from './prompt-template.js';

describe('prompt templates', () => {
  it('fills {{var}} from the variables', () => {
    expect(renderTemplate('Answer for {{ jurisdiction }} law. {{input}}', { jurisdiction: 'be', input: 'Hi' })).toEqual(
      {
        ok: true,
        value: 'Answer for be law. Hi',
      },
    );
  });

  it('reports a missing variable instead of rendering an empty string', () => {
    const r = renderTemplate('For {{jurisdiction}}', {});
    expect(r).toMatchObject({ ok: false, error: { code: 'missing_variable', variable: 'jurisdiction' } });
  });

  it('lists variables once, in order', () => {
    expect(templateVariables('{{a}} {{b}} {{a}}')).toEqual(['a', 'b']);
  });

  it('inserts values verbatim: placeholders and $ patterns inside a value are not expanded', () => {
    const t = 'Q: {{input}} ({{lang}}) {{input}}';
    expect(renderTemplate(t, { input: '{{lang}} costs $& $1', lang: 'fr' })).toEqual({
      ok: true,
      value: 'Q: {{lang}} costs $& $1 (fr) {{lang}} costs $& $1',
    });
    expect(renderTemplate(t, { input: 'again', lang: 'de' })).toEqual({ ok: true, value: 'Q: again (de) again' });
    expect(renderTemplate('no placeholders', { input: 'x' })).toEqual({ ok: true, value: 'no placeholders' });
    expect(renderTemplate('n={{n}}', { n: 3 })).toEqual({ ok: true, value: 'n=3' });
  });
});
