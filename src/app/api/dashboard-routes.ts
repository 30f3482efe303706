import { auditOrigin } from '../../audit/ledger/open-ledger.js';
import { dateOf } from '../../kernel/clock.js';
import { SluiceError } from '../../kernel/errors.js';
import { findRelease } from '../../release/find-release.js';
import { overrideGate } from '../../gate/override-gate.js';
import type { Project } from '../project.js';
import { type ApiRoute, requiredText } from './api-routes.js';
import { auditKeys, auditPage } from './read/audit-read.js';
import { gateItems } from './read/gate-items.js';
import { observeView } from './read/observe-read.js';
import { pageOf } from './read/paging.js';
import { releaseDetail, releaseList, routesOverview } from './read/releases-read.js';
import { rolloutTimeline } from './read/rollout-read.js';
import { shadowView } from './read/shadow-read.js';

const PAGE = { offset: 'the first row (default 0)', limit: 'rows on the page' };

/**
 * The endpoints the dashboard reads (each paged or summarised on the server),
 * and the gate override it can make: the same API a script uses.
 */
export function dashboardRoutes(
  project: Pick<Project, 'store' | 'config' | 'clock' | 'ledger' | 'judges'>,
  status: (route: string) => Promise<unknown>,
): ApiRoute[] {
  const { store, config } = project;
  // The ledger (and its signing key) is only opened by a change: reads take the origin from the config.
  const origin = () => auditOrigin(config);
  return [
    {
      method: 'GET',
      path: '/routes',
      action: 'read',
      summary: 'Every route: its stable release, candidate, weight, rollout phase and number of releases',
      run: () => routesOverview(store),
    },
    {
      method: 'GET',
      path: '/releases',
      action: 'read',
      summary: 'Releases newest first, one page, each with its latest gate verdict',
      query: { route: 'only this route', ...PAGE },
      run: ({ query }) => releaseList(store, query),
    },
    {
      method: 'GET',
      path: '/releases/{id}',
      action: 'read',
      summary:
        'A release: its manifest, a line diff of each component against its baseline, its weights attestation, its gate result',
      run: ({ params }) => releaseDetail(store, params.id!),
    },
    {
      method: 'GET',
      path: '/releases/{id}/gate',
      action: 'read',
      summary: "A release's latest gate result (as `sluice gate --json` prints it)",
      run: async ({ params }) => {
        const release = await findRelease(store, params.id!);
        const gate = await store.latestGateResult(release.id);
        if (!gate) throw new SluiceError('not_found', `release ${release.id} has no gate result`);
        return gate.result;
      },
    },
    {
      method: 'GET',
      path: '/releases/{id}/gate/items',
      action: 'read',
      summary:
        "The gate's items, most regressed first: input, baseline and candidate answers, the judge's scores and reasons",
      query: { slice: 'only this slice and the slices under it', ...PAGE },
      run: async ({ params, query }) => {
        const release = await findRelease(store, params.id!);
        const gate = await store.latestGateResult(release.id);
        if (!gate) throw new SluiceError('not_found', `release ${release.id} has no gate result`);
        const slice = query.get('slice');
        return gateItems(store, release.manifest, gate.result, {
          ...(slice ? { slice } : {}),
          ...pageOf(query, { limit: 20, max: 100 }),
        });
      },
    },
    {
      method: 'POST',
      path: '/releases/{id}/gate/override',
      action: 'override',
      summary:
        "Override a release's failed or review gate: the measured verdict stays; a signed receipt names the token and the reason",
      body: { fields: { reason: 'why the gate is overridden (required)' }, required: ['reason'] },
      run: async ({ params, body, actor }) => {
        const release = await findRelease(store, params.id!);
        const reason = requiredText(body, 'reason', 'an override is recorded with who and why');
        return overrideGate(store, project.ledger, release.id, actor, reason, dateOf(project.clock));
      },
    },
    {
      method: 'GET',
      path: '/routes/{route}/timeline',
      action: 'read',
      summary:
        "A route's rollout as a timeline: its status, the canary weight over time, the arms' requests per bucket, its receipts",
      run: ({ params }) => rolloutTimeline(store, status, params.route!),
    },
    {
      method: 'GET',
      path: '/routes/{route}/observe',
      action: 'read',
      summary:
        "Judged production quality of a release per slice and window, with the drift detector's state, alerts and rollbacks",
      query: {
        release: "the release (default: the route's latest candidate)",
        since_ms:
          'epoch ms to replay from (default: the 360 windows up to the newest sample; at most 5,000 windows back)',
      },
      run: ({ params, query }) => observeView(store, config, params.route!, query, project.clock.now()),
    },
    {
      method: 'GET',
      path: '/routes/{route}/shadow/pairs',
      action: 'read',
      summary: "A route's shadow: win rates per slice by the judge's stored scores, and a page of the answer pairs",
      query: { release: 'the shadow release (default: the current one)', slice: 'only pairs of this slice', ...PAGE },
      run: ({ params, query }) => shadowView(store, project.judges.judge?.digest ?? null, params.route!, query),
    },
    {
      method: 'GET',
      path: '/audit',
      action: 'read',
      summary:
        'The audit log newest first, one page: each receipt decoded, its leaf bytes and inclusion proof, and the latest checkpoint',
      query: PAGE,
      run: ({ query }) => auditPage(store, origin(), query),
    },
    {
      method: 'GET',
      path: '/audit/keys',
      action: 'read',
      summary: "The log's public keys, as signed-note verifier keys and DSSE key ids",
      run: () => auditKeys(store, origin()),
    },
  ];
}
