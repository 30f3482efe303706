/** The shapes the control API answers with (see /api/v1/openapi.json). */

export type Role = 'viewer' | 'operator' | 'approver' | 'open';

export interface Session {
  role: Role;
  name: string | null;
  read_only: boolean;
}

export interface RouteRow {
  route: string;
  releases: number;
  stable: string | null;
  candidate: string | null;
  weight: number;
  phase: string;
}

export interface ReleaseRow {
  id: string;
  name: string;
  version: string | null;
  baseline: string | null;
  changes: string[];
  actor: string;
  created_at: string;
  stable: boolean;
  candidate: boolean;
  gate: { verdict: string; overridden: boolean; at: string } | null;
}

export interface DiffLine {
  op: '+' | '-' | ' ';
  text: string;
}

export interface ComponentDiff {
  component: string;
  changed: boolean;
  texts: { label: string; lines: DiffLine[]; truncated: boolean }[];
}

export interface SliceResult {
  slice: string;
  n: number;
  score: number | null;
  ci: [number, number] | null;
  min: number | null;
  baseline_score: number | null;
  delta: number | null;
  delta_ci: [number, number] | null;
  max_drop: number | null;
  mdd?: number | null;
  calibration: number | null;
  judge_errors: number;
  verdict: string;
  reasons: string[];
}

export interface GateResult {
  release: string;
  baseline: string | null;
  verdict: string;
  aggregate: { n: number; score: number | null };
  slices: SliceResult[];
  detectors: Record<string, number | null>;
  checks: { name: string; ok: boolean; message: string; kind: string }[];
  override: { actor: string; reason: string; at: string } | null;
  receipt: number | null;
  judge: string | null;
  at: string;
}

export interface ReleaseDetail {
  release: ReleaseRow & { manifest: Record<string, unknown> };
  baseline: ReleaseRow | null;
  diff: ComponentDiff[];
  weights: { path: string | null; digest: string } | 'not-claimed';
  gate: GateResult | null;
}

export interface ArmAnswer {
  answer: string;
  score: number | null;
  raw: number | null;
  reason: string | null;
  flags: Record<string, boolean>;
  latency_ms: number;
}

export interface GateItem {
  id: string;
  slice: string;
  input: string;
  reference: string | null;
  candidate: ArmAnswer | null;
  baseline: ArmAnswer | null;
  delta: number | null;
}

export interface Receipt {
  index: number;
  kind: string;
  subject: string;
  actor: string;
  at: string;
  keyid: string | null;
  predicate: { why?: string[]; what?: Record<string, unknown>; actor?: string } | null;
  leaf: string;
  proof?: { size: number; hashes: string[] } | null;
}

export interface Monitor {
  name: string;
  value: number | null;
  threshold: number;
  status: string;
  detail: string;
  interval: [number, number] | null;
  evidence: number | null;
  needed: number | null;
}

export interface RolloutStatus {
  route: string;
  stable: string;
  candidate: string | null;
  phase: string;
  weight: number;
  step: number;
  steps: number[];
  monitors: Monitor[];
  events: { at: string; kind: string; step: number; weight: number; message: string }[];
  step_progress?: {
    index: number;
    weight: number;
    started_at: string | null;
    requests: number | null;
    min_requests: number;
    dwell_seconds: number;
    elapsed_seconds: number | null;
    dwell_remaining_seconds: number | null;
    deadline: string | null;
    waiting_for: string[];
  } | null;
  step_started_at?: string | null;
  step_deadline?: string | null;
  paused?: { by: string; reason: string; at: string } | null;
  halt_reason?: string | null;
  [extra: string]: unknown;
}

export interface Timeline {
  status: RolloutStatus;
  /** Epoch ms. */
  weights: { t: number; weight: number; kind: string }[];
  arms: {
    points: { t: number; stable: number; canary: number; stable_errors: number; canary_errors: number }[];
    totals: Record<string, number>;
  };
  receipts: Receipt[];
}
