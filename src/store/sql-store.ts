import type { SqlDriver } from './driver.js';
import { auditSql } from './sql/audit-sql.js';
import { decisionKeySql } from './sql/decision-key-sql.js';
import { gateSql, judgeScoreSql } from './sql/gate-sql.js';
import { gatewayKeySql } from './sql/gateway-key-sql.js';
import { leaseSql } from './sql/lease-sql.js';
import { observeSql } from './sql/observe-sql.js';
import { releaseSql } from './sql/release-sql.js';
import { rolloutSql } from './sql/rollout-sql.js';
import { routeStateSql } from './sql/route-state-sql.js';
import { shadowSql } from './sql/shadow-sql.js';
import { tokenSql } from './sql/token-sql.js';
import { traceSql } from './sql/trace-sql.js';
import type { Store } from './store.js';

/**
 * The Store over any SqlDriver: each stage's port implemented by its own SQL
 * module, composed here. The SQL runs unchanged on SQLite and PostgreSQL;
 * what differs is a driver capability (notify, listen), never a dialect test.
 */
export function sqlStore(db: SqlDriver): Store {
  return {
    dialect: db.dialect,
    description: db.description,
    ...releaseSql(db),
    ...routeStateSql(db),
    ...traceSql(db),
    ...shadowSql(db),
    ...gateSql(db),
    ...judgeScoreSql(db),
    ...rolloutSql(db),
    ...leaseSql(db),
    ...decisionKeySql(db),
    ...auditSql(db),
    ...observeSql(db),
    ...tokenSql(db),
    ...gatewayKeySql(db),
    transaction: (fn, opts) => db.transaction((tx) => fn(sqlStore(tx)), opts),
    close: () => db.close(),
  };
}
