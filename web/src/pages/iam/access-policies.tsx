import { useState } from 'react';
import { Button, ContentSwitcher, Switch } from '@carbon/react';
import { Add } from '@carbon/icons-react';
import { useSession } from '../../app/session.js';
import { useLoad } from '../../app/use-api.js';
import { EmptyState, LoadedView, PageHeader } from '../../components/page.js';
import { AssignAccessModal, PolicyTable } from './policy-form.js';
import { loadScopeNames, loadSubjects, subjectKindOf, subjectOf, type SubjectKind } from './policy-model.js';

const FILTERS: readonly { readonly kind: SubjectKind | undefined; readonly label: string }[] = [
  { kind: undefined, label: 'All' },
  { kind: 'user', label: 'Users' },
  { kind: 'serviceid', label: 'Service IDs' },
];

/**
 * Manage › Access (IAM) › Access policies: every access policy of the account, for people and service IDs, with the
 * subject by name; assign roles on the monitoring service (all instances or one, all teams or one), remove.
 */
export function AccessPoliciesPage() {
  const { client, monitorClient, user } = useSession();
  const [filter, setFilter] = useState(0);
  const [loaded, reload] = useLoad(async () => {
    const [policies, subjects] = await Promise.all([
      client.policies.list({ accountId: user.account_id, type: 'access' }),
      loadSubjects(client, user.account_id),
    ]);
    const scope = await loadScopeNames(client, monitorClient, policies);
    return {
      policies,
      subjects,
      names: { subjects: new Map(subjects.map((subject) => [subject.iamId, subject])), ...scope },
    };
  }, []);
  const [assigning, setAssigning] = useState(false);
  const kind = FILTERS[filter]?.kind;

  const assignButton = (
    <Button renderIcon={Add} onClick={() => setAssigning(true)}>
      Assign access
    </Button>
  );

  return (
    <>
      <PageHeader context="Manage › Access (IAM)" title="Access policies">
        A policy gives a user or a service ID roles on a service: on the monitoring service, in every instance or one,
        and within an instance in every team or one. Account administrators need none.
      </PageHeader>
      <ContentSwitcher
        size="md"
        selectedIndex={filter}
        onChange={({ index }) => setFilter(index ?? 0)}
        style={{ maxWidth: '32rem', marginBottom: '1rem' }}
      >
        {FILTERS.map((option) => (
          <Switch key={option.label} name={option.label} text={option.label} />
        ))}
      </ContentSwitcher>
      <LoadedView loaded={loaded} what="access policies" columns={6}>
        {({ policies, names }) => {
          const shown = kind
            ? policies.filter((policy) => {
                const iamId = subjectOf(policy);
                return iamId !== undefined && subjectKindOf(iamId) === kind;
              })
            : policies;
          return (
            <PolicyTable
              title={kind ? `Access policies of ${FILTERS[filter]?.label.toLowerCase()}` : 'Access policies'}
              policies={shown}
              names={names}
              showSubject
              toolbar={assignButton}
              onRemoved={reload}
              empty={
                <EmptyState title="No access policies" action={assignButton}>
                  {kind
                    ? 'None of this kind. Assign access, or show all policies.'
                    : 'Nobody but the administrators has access yet. Assign a role to a user or a service ID.'}
                </EmptyState>
              }
            />
          );
        }}
      </LoadedView>
      <AssignAccessModal
        open={assigning}
        heading="Assign access"
        subjects={loaded.status === 'ready' ? loaded.data.subjects : []}
        onClose={(assigned) => {
          setAssigning(false);
          if (assigned) reload();
        }}
      />
    </>
  );
}
