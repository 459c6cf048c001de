import type { ReactNode } from 'react';
import {
  Header,
  HeaderContainer,
  HeaderGlobalAction,
  HeaderGlobalBar,
  HeaderMenuButton,
  HeaderName,
  SideNav,
  SideNavDivider,
  SideNavItems,
  SideNavLink,
  SideNavMenu,
  SideNavMenuItem,
  SkipToContent,
} from '@carbon/react';
import { Logout } from '@carbon/icons-react';
import { followLink, useLocation } from './router.js';
import { useSession } from './session.js';

interface NavItem {
  readonly to: string;
  readonly label: string;
  readonly adminOnly?: boolean;
}

const ACCESS: NavItem[] = [
  { to: '/iam/users', label: 'Users', adminOnly: true },
  { to: '/iam/serviceids', label: 'Service IDs' },
  { to: '/iam/apikeys', label: 'API keys' },
  { to: '/iam/policies', label: 'Access policies' },
];

/** The frame of every signed-in page: IBM Cloud's header and side navigation, and a skip link to the content. */
export function Shell({ children }: { children: ReactNode }) {
  const { user, signOut } = useSession();
  const { path } = useLocation();
  const active = (to: string) => path === to || path.startsWith(`${to}/`);
  const access = ACCESS.filter((item) => !item.adminOnly || user.admin);

  return (
    <HeaderContainer
      render={({ isSideNavExpanded, onClickSideNavExpand }) => (
        <>
          <Header aria-label="vigil">
            <SkipToContent href="#main-content" />
            <HeaderMenuButton
              aria-label={isSideNavExpanded ? 'Close menu' : 'Open menu'}
              onClick={onClickSideNavExpand}
              isActive={isSideNavExpanded}
              aria-expanded={isSideNavExpanded}
            />
            <HeaderName href="/" prefix="vigil" onClick={(event) => followLink(event, '/')}>
              Monitoring
            </HeaderName>
            <HeaderGlobalBar>
              <span className="vigil-header-user" data-testid="signed-in-user">
                {user.email}
              </span>
              <HeaderGlobalAction aria-label="Sign out" tooltipAlignment="end" onClick={() => void signOut()}>
                <Logout size={20} />
              </HeaderGlobalAction>
            </HeaderGlobalBar>
            <SideNav
              aria-label="Side navigation"
              expanded={isSideNavExpanded}
              isPersistent
              onOverlayClick={onClickSideNavExpand}
            >
              <SideNavItems>
                <SideNavMenu title="Manage › Access (IAM)" defaultExpanded isActive={path.startsWith('/iam/')}>
                  {access.map((item) => (
                    <SideNavMenuItem
                      key={item.to}
                      href={item.to}
                      isActive={active(item.to)}
                      {...(active(item.to) ? { 'aria-current': 'page' } : {})}
                      onClick={(event: React.MouseEvent) => followLink(event, item.to)}
                    >
                      {item.label}
                    </SideNavMenuItem>
                  ))}
                </SideNavMenu>
                <SideNavDivider />
                <SideNavLink
                  href="/monitoring/instances"
                  isActive={active('/monitoring')}
                  {...(active('/monitoring') ? { 'aria-current': 'page' } : {})}
                  onClick={(event: React.MouseEvent) => followLink(event, '/monitoring/instances')}
                >
                  Monitoring instances
                </SideNavLink>
              </SideNavItems>
            </SideNav>
          </Header>
          <main id="main-content" className="vigil-content" tabIndex={-1}>
            {children}
          </main>
        </>
      )}
    />
  );
}
