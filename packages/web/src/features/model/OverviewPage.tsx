import { Explain } from '../../components/Explain';
import { ArchitectureCard } from './ArchitectureCard';
import { DownloadsCard } from './DownloadsCard';
import { LineageTree } from './LineageTree';
import { ModelMetaEditor } from './ModelMetaEditor';
import { AliasEditor } from './AliasEditor';
import { AuditCard } from './AuditCard';
import { ManageCard } from './ManageCard';
import { ModelCard } from './ModelCard';
import { TrainingCard } from './TrainingCard';
import { JobsPanel } from './JobsPanel';
import { useVersionContext } from './version-context';

export function OverviewPage() {
  const { model, version } = useVersionContext();
  return (
    <div className="overview-grid">
      <Explain>
        <p>
          A model is a named series of versions. An upload starts a lineage; a prune derives a child version
          with fewer input dims (its arguments are shown next to it). training.json, gradiend_context.json and
          README.md are the files uploaded with the checkpoint; a pruned version keeps its parent’s
          training.json, so its correlation_test was measured before pruning. Deleting a version that others
          derive from asks again and lists them.
        </p>
      </Explain>
      <div className="card">
        <h2>Versions and lineage</h2>
        <LineageTree versions={model.versions} current={version.version} />
        <AliasEditor model={model} current={version.version} />
      </div>
      <ModelCard version={version} />
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
      <ManageCard model={model} version={version} />
      <AuditCard model={model.name} />
    </div>
  );
}
