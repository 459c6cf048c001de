/**
 * The Prometheus version vigil's API claims to be. Grafana reads `version` from `/api/v1/status/buildinfo` (with
 * semver) to choose which Prometheus features to use, and treats a server with no `application`/`features` as plain
 * Prometheus; vigil serves Prometheus 3's query API (UTF-8 names, `infos`, `limit`, left-open ranges), so it answers
 * as the 3.5 long-term-support release rather than as the newest 3.x, whose experimental additions it lacks.
 */
export const PROMETHEUS_COMPATIBLE_VERSION = '3.5.0';

/** The fields of Prometheus's `PrometheusVersion`, in its order. */
export interface BuildInfo {
  readonly version: string;
  readonly revision: string;
  readonly branch: string;
  readonly buildUser: string;
  readonly buildDate: string;
  readonly goVersion: string;
}

/**
 * The data of `/api/v1/status/buildinfo`. `version` is the Prometheus version vigil is compatible with, since that is
 * what clients compare; vigil's own version goes into `revision` (where Prometheus has its git commit) as
 * `vigil-<version>`, which people read and no client parses; `goVersion`, which fingerprinting tools require to be
 * non-empty, names the runtime (`node20.11.0`), shaped like Go's `go1.22.1`.
 */
export function buildInfo(version: string): BuildInfo {
  return {
    version: PROMETHEUS_COMPATIBLE_VERSION,
    revision: `vigil-${version}`,
    branch: 'vigil',
    buildUser: 'vigil',
    buildDate: '',
    goVersion: `node${process.versions.node}`,
  };
}
