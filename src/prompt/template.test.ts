import { describe, expect, it } from 'vitest';
import { renderTemplate, templateVariables } from './template.js';

describe('prompt templates', () => {
  it('fills {{var}} from the variables', () => {
    expect(renderTemplate('Answer for {{ jurisdiction }} law. {{input}}', { jurisdiction: 'be', input: 'Hi' })).toEqual({
      ok: true,
      text: 'Answer for be law. Hi',
    });
  });

  it('reports a missing variable instead of rendering an empty string', () => {
    const r = renderTemplate('For {{jurisdiction}}', {});
    expect(r).toMatchObject({ ok: false, code: 'missing_variable', variable: 'jurisdiction' });
  });

  it('lists variables once, in order', () => {
    expect(templateVariables('{{a}} {{b}} {{a}}')).toEqual(['a', 'b']);
  });
});
