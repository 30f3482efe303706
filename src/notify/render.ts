import { createHmac } from 'node:crypto';
import type { NotifyEvent } from './notify-event.js';

/** The generic webhook's JSON body: one object per event. */
export function webhookBody(project: string, e: NotifyEvent, deliveryId: string): string {
  return JSON.stringify({
    id: deliveryId,
    project,
    event: e.kind,
    route: e.route,
    release: e.release,
    actor: e.actor,
    at: new Date(e.at).toISOString(),
    message: e.message,
    details: e.details ?? {},
  });
}

/** `sha256=` + hex HMAC-SHA256 of the exact body bytes with the secret (as GitHub's X-Hub-Signature-256). */
export function signature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

const ICON: Record<NotifyEvent['kind'], string> = {
  gate: ':clipboard:',
  'rollout-start': ':rocket:',
  step: ':arrow_up:',
  pause: ':double_vertical_bar:',
  resume: ':arrow_forward:',
  promote: ':white_check_mark:',
  halt: ':octagonal_sign:',
  rollback: ':leftwards_arrow_with_hook:',
  'observer-alert': ':warning:',
  'observe-rollback': ':rotating_light:',
};

/** A Slack-compatible incoming webhook's body: `{"text": …}` (Mattermost and Rocket.Chat take the same). */
export function slackBody(project: string, e: NotifyEvent): string {
  const where = [e.route && `route *${e.route}*`, e.release && `release \`${e.release.slice(7, 19) || e.release}\``]
    .filter(Boolean)
    .join(', ');
  const text = `${ICON[e.kind]} *${project}* ${e.kind}${where ? ` — ${where}` : ''}: ${e.message} (by ${e.actor}, ${new Date(e.at).toISOString()})`;
  return JSON.stringify({ text });
}
