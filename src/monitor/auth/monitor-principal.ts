import type { Principal } from '../../iam/auth/principal.js';
import type { LabelMatcher } from '../../promql/ast.js';
import type { TeamRole } from '../roles.js';

/**
 * A principal on the Monitor API: who (as on IAM), how (IAM token, Monitor API token, console session), and in which
 * instance and team, with which effective role. Route handlers receive this and never read credentials themselves.
 */
export interface MonitorPrincipal extends Principal {
  readonly instance: {
    readonly guid: string;
    readonly accountId: string;
    readonly name: string;
    readonly externalApiAuth: 'ANY' | 'IAM_ONLY';
  };
  readonly team: {
    readonly id: number;
    readonly name: string;
    readonly isDefault: boolean;
    /**
     * The team's scope as Prometheus label matchers, to be added to every selector of every query and required of
     * every series written (empty: everywhere).
     */
    readonly scope: readonly LabelMatcher[];
  };
  readonly teamRole: TeamRole;
  readonly isInstanceAdmin: boolean;
  /** The Monitor user (Sysdig's integer id) of this identity in the instance. */
  readonly monitorUserId: number;
}
