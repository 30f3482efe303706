import type { TokenStore } from '../app/api/token-store.js';
import type { AuditStore, DecisionKeyStore } from '../audit/audit-store.js';
import type { GateStore } from '../gate/gate-store.js';
import type { GatewayKeyStore } from '../gateway/gateway-key-store.js';
import type { RouteStateStore } from '../gateway/route-state-store.js';
import type { TraceStore } from '../gateway/trace-store.js';
import type { JudgeScoreStore } from '../judging/judge-score-store.js';
import type { Transactional } from '../kernel/transactional.js';
import type { ObserveSampleStore } from '../observe/observe-store.js';
import type { ReleaseStore } from '../release/release-store.js';
import type { LeaseRows, RolloutStore } from '../rollout/rollout-store.js';
import type { ShadowStore } from '../shadow/shadow-store.js';
import type { Dialect } from './driver.js';

export type { TokenStore } from '../app/api/token-store.js';
export type {
  AuditCheckpoint,
  AuditEntryRecord,
  AuditNode,
  AuditStore,
  DecisionKeyStore,
} from '../audit/audit-store.js';
export type { CachedOutput, GateOutputRecord, GateResultRecord, GateStore } from '../gate/gate-store.js';
export type { JudgeScoreStore, ScoreRow, StoredJudgeResult } from '../judging/judge-score-store.js';
export type { GatewayKeyRecord, GatewayKeyStore } from '../gateway/gateway-key-store.js';
export type {
  RouteRecord,
  RouteStateInput,
  RouteStateRecord,
  RouteStateStore,
} from '../gateway/route-state-store.js';
export type { Arm, ArmIntervalRecord, TraceRecord, TraceSearch, TraceStore } from '../gateway/trace-store.js';
export type { ObserveSampleRecord, ObserveSampleStore } from '../observe/observe-store.js';
export type { BlobStore, ReleaseRecord, ReleaseStore } from '../release/release-store.js';
export type { LeaseRows, RolloutRow, RolloutStore } from '../rollout/rollout-store.js';
export type { ShadowPairRecord, ShadowSetting, ShadowStore } from '../shadow/shadow-store.js';

/**
 * Everything Sluice keeps: the union of the ports the stages declare (each
 * stage's functions take only its own). `sql/` implements each port once over
 * any SqlDriver (SQLite, PostgreSQL); `sql-store.ts` composes them; one
 * contract suite holds both dialects to it.
 */
export interface Store
  extends ReleaseStore,
    RouteStateStore,
    TraceStore,
    ShadowStore,
    GateStore,
    JudgeScoreStore,
    RolloutStore,
    LeaseRows,
    DecisionKeyStore,
    AuditStore,
    ObserveSampleStore,
    TokenStore,
    GatewayKeyStore,
    Transactional<Store> {
  readonly dialect: Dialect;
  readonly description: string;
  close(): Promise<void>;
}
