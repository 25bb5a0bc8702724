import { audit } from '../api';
import { ProblemLine } from './problem';
import { usePoll } from './use-poll';

/** /audit: the latest entries of the audit log, newest first. */
export function AuditPage() {
  const { data, error } = usePoll(() => audit(), 5000);
  return (
    <section>
      <h1>Audit log</h1>
      <ProblemLine error={error} />
      {data && (
        <table data-testid="audit-table">
          <thead>
            <tr>
              <th>At</th>
              <th>Actor</th>
              <th>Kind</th>
              <th>Subject</th>
              <th>Outcome</th>
              <th>Detail</th>
            </tr>
          </thead>
          <tbody>
            {data.items.map((e) => (
              <tr key={e.id} data-testid="audit-row">
                <td>{new Date(e.at).toLocaleString()}</td>
                <td>{e.actor}</td>
                <td>{e.kind}</td>
                <td>{e.subject ?? ''}</td>
                <td>{e.outcome}</td>
                <td>{e.detail ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
