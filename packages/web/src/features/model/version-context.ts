import { useOutletContext } from 'react-router';
import type { ModelDetail, Version } from '../../api/contract';

/** What every version view gets from ModelLayout: the resolved model and version. */
export interface VersionContext {
  name: string;
  /** The ref as written in the URL (number, `latest` or an alias); API calls use the resolved number. */
  ref: string;
  model: ModelDetail;
  version: Version;
}

export function useVersionContext(): VersionContext {
  return useOutletContext<VersionContext>();
}

export function versionRoute(name: string, version: number | string, view = ''): string {
  return `/models/${encodeURIComponent(name)}/v/${encodeURIComponent(String(version))}${view ? `/${view}` : ''}`;
}
