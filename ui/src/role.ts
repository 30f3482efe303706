import type { Role, Session } from './types';

/** What each role may do, as the control API enforces it (the page only hides what the server would refuse). */
const RANK: Record<Exclude<Role, 'open'>, number> = { viewer: 0, operator: 1, approver: 2 };
const NEEDS: Record<string, Exclude<Role, 'open'>> = {
  pause: 'operator',
  resume: 'operator',
  abort: 'operator',
  rollback: 'operator',
  promote: 'approver',
  override: 'approver',
};

export function can(session: Session | null, action: string): boolean {
  if (!session || session.read_only) return false;
  if (session.role === 'open') return true;
  const need = NEEDS[action];
  return need !== undefined && RANK[session.role] >= RANK[need];
}
