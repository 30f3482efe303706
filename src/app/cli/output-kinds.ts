import type { OutputKind } from './output-file.js';

/** The files Sluice's commands write, each recognised by how its renderer begins it. */
export const OUTPUT_KINDS = {
  junit: {
    description: 'a JUnit report',
    isPrevious: (head) => head.startsWith('<?xml') && head.includes('<testsuites name="sluice"'),
  },
  gateMarkdown: {
    description: 'a gate Markdown report',
    isPrevious: (head) => /^### \S+ Sluice gate: /.test(head),
  },
  gateHtml: {
    description: 'a gate HTML report',
    isPrevious: (head) => head.startsWith('<!doctype html>') && head.includes('<title>Sluice gate: '),
  },
  shadowMarkdown: {
    description: 'a shadow Markdown report',
    isPrevious: (head) => head.startsWith('### Sluice shadow: '),
  },
  shadowHtml: {
    description: 'a shadow HTML report',
    isPrevious: (head) => head.startsWith('<!doctype html>') && head.includes('<title>Sluice shadow: '),
  },
  auditBundle: {
    description: 'an audit bundle',
    isPrevious: (head) => head.startsWith('{') && head.includes('"origin":') && head.includes('"verifier_key":'),
  },
  auditCheckpoint: {
    description: 'a signed audit checkpoint',
    isPrevious: (head) => /^[^\n]+\n(?:0|[1-9][0-9]*)\n[A-Za-z0-9+/]{43}=\n/.test(head) && head.includes('\n\u2014 '),
  },
  forensics: {
    description: 'a forensics export',
    isPrevious: (head) => head.startsWith('{') && head.includes('"format": "sluice-forensics/v1"'),
  },
} as const satisfies Record<string, OutputKind>;
