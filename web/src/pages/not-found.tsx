import { Link } from '../app/router.js';
import { PageHeader } from '../components/page.js';

export function NotFoundPage() {
  return (
    <>
      <PageHeader title="Page not found">There is no console page at this address.</PageHeader>
      <Link to="/iam/apikeys">Go to your API keys</Link>
    </>
  );
}
