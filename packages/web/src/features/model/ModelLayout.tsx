import { NavLink, Outlet, useNavigate, useParams as useRouteParams, useLocation } from 'react-router';
import { useModel, useVersion } from '../../api/queries';
import { ErrorView, Loading } from '../../components/Status';
import { AnalysisJobBanner } from './AnalysisJobBanner';
import { versionRoute, type VersionContext } from './version-context';

const TABS = [
  ['', 'Overview'],
  ['params', 'Parameters'],
  ['heatmap', 'Heatmap'],
  ['prune', 'Prune'],
  ['topk', 'Top-k'],
  ['encode', 'Encode'],
  ['rewrite', 'Rewrite'],
  ['evaluate', 'Evaluate'],
] as const;

export function ModelLayout() {
  const { name = '', ref = 'latest' } = useRouteParams();
  const navigate = useNavigate();
  const location = useLocation();
  const model = useModel(name);
  const version = useVersion(name, ref);

  if (model.isPending || version.isPending) return <Loading what={`${name}@${ref}`} />;
  if (model.isError) return <ErrorView error={model.error} what={`model ${name}`} />;
  if (version.isError) return <ErrorView error={version.error} what={`version ${ref} of ${name}`} />;

  const view = location.pathname.split(`/v/${encodeURIComponent(ref)}`)[1]?.replace(/^\//, '') ?? '';
  const context: VersionContext = {
    name,
    ref: String(version.data.version),
    model: model.data,
    version: version.data,
  };

  return (
    <section className="model">
      <div className="model-head">
        <h1>
          {name} <span className="muted">v{version.data.version}</span>
        </h1>
        <label className="field">
          Version
          <select
            value={String(version.data.version)}
            onChange={(e) => void navigate(`${versionRoute(name, e.target.value, view)}${location.search}`)}
          >
            {[...model.data.versions].reverse().map((v) => (
              <option key={v.version} value={v.version}>
                v{v.version} — {v.operation}
                {v.aliases.length ? ` (${v.aliases.join(', ')})` : ''}, {v.input_dim.toLocaleString('en-US')}{' '}
                dims
              </option>
            ))}
          </select>
        </label>
      </div>
      <nav className="tabs" aria-label="Version views">
        {TABS.map(([path, label]) => (
          <NavLink key={path} to={versionRoute(name, ref, path)} end>
            {label}
          </NavLink>
        ))}
      </nav>
      <AnalysisJobBanner name={name} version={version.data.version} />
      <Outlet context={context} />
    </section>
  );
}
