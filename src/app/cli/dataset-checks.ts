import { checkSuite } from '../../gate/suite.js';
import { parseAnchors } from '../../judging/anchors.js';
import type { DatasetChecks } from '../../release/register.js';

/** What `register` and `validate` check in a release's dataset: the gate's own suite and anchor parsers, over every line. */
export const DATASET_CHECKS: DatasetChecks = {
  suite: (path, bytes) => {
    checkSuite(path, bytes);
  },
  anchors: (path, bytes) => {
    parseAnchors(path, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
  },
};
