// The frame around every page: a skip link, the navigation (what this token may open), and the page.
import type { ComponentChildren } from 'preact';
import type { Me } from '../main.js';
import { onLinkClick, useLocation } from '../router.js';

export function Layout({ me, children, onSignOut }: { me: Me; children: ComponentChildren; onSignOut: () => void }) {
  const { path } = useLocation();
  const links: [string, string][] = me.admin
    ? [['/', 'Overview'], ['/me', 'Me'], ['/users', 'Users'], ['/catalogue', 'Catalogue'], ['/reports', 'Reports'], ['/sql', 'SQL'], ['/pipeline', 'Pipeline']]
    : [['/me', 'Me'], ['/catalogue', 'Catalogue']];
  const current = (href: string) => (href === '/' ? path === '/' : path === href || path.startsWith(`${href}/`));
  return (
    <div class="shell" onClick={onLinkClick}>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <a class="brand" href={me.admin ? '/' : '/me'}>
          earshot
        </a>
        <nav aria-label="Pages">
          {links.map(([href, label]) => (
            <a key={href} href={href} aria-current={current(href) ? 'page' : undefined}>
              {label}
            </a>
          ))}
        </nav>
        <div class="who">
          <span>
            {me.name}
            {me.admin ? ' (admin)' : ''}
          </span>
          <button type="button" class="link" onClick={onSignOut}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
