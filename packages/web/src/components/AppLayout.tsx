import { NavLink, Outlet } from 'react-router';

export function AppLayout() {
  return (
    <div className="app">
      <header className="app-header">
        <NavLink to="/" className="brand">
          GRADIEND Studio
        </NavLink>
        <nav aria-label="Main">
          <NavLink to="/" end>
            Registry
          </NavLink>
          <NavLink to="/compare">Compare</NavLink>
          <a href="/api/docs">API docs</a>
        </nav>
      </header>
      <main className="app-main">
        <Outlet />
      </main>
    </div>
  );
}
