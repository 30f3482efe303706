/** Sluice's version, as `sluice --version` and the gateway's GET / report it. */
export const VERSION = '0.1.0';
