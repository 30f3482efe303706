import { escapeMarkup as h } from './escape.js';

/**
 * A self-contained HTML page: inline CSS only, and a Content-Security-Policy
 * that forbids loading anything or running any script.
 */
export function htmlPage(title: string, style: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${h(title)}</title>
<style>${style}</style>
</head>
<body>
${body}</body>
</html>
`;
}
