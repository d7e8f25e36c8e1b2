import { ArchitectureCard } from './ArchitectureCard';
import { DownloadsCard } from './DownloadsCard';
import { LineageTree } from './LineageTree';
import { ModelMetaEditor } from './ModelMetaEditor';
import { AliasEditor } from './AliasEditor';
import { TrainingCard } from './TrainingCard';
import { JobsPanel } from './JobsPanel';
import { useVersionContext } from './version-context';

export function OverviewPage() {
  const { model, version } = useVersionContext();
  return (
    <div className="overview-grid">
      <div className="card">
        <h2>Versions and lineage</h2>
        <LineageTree versions={model.versions} current={version.version} />
        <AliasEditor model={model} current={version.version} />
      </div>
      <ModelMetaEditor model={model} />
      <ArchitectureCard version={version} />
      <div className="card">
        <h2>Gradient context</h2>
        {version.gradient_context ? (
          <pre className="json">{JSON.stringify(version.gradient_context, null, 2)}</pre>
        ) : (
          <p className="muted">No gradiend_context.json in this version.</p>
        )}
      </div>
      <TrainingCard version={version} />
      <DownloadsCard version={version} />
      <JobsPanel model={model.name} />
    </div>
  );
}
