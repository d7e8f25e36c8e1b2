import { createBrowserRouter, Navigate } from 'react-router';
import { AppLayout } from './components/AppLayout';
import { RegistryPage } from './features/registry/RegistryPage';
import { ModelLayout } from './features/model/ModelLayout';
import { OverviewPage } from './features/model/OverviewPage';
import { ParamsPage } from './features/params/ParamsPage';
import { HeatmapPage } from './features/heatmap/HeatmapPage';
import { PrunePage } from './features/prune/PrunePage';
import { TopkPage } from './features/topk/TopkPage';
import { EncodePage } from './features/encode/EncodePage';
import { RewritePage } from './features/rewrite/RewritePage';
import { EvaluatePage } from './features/evaluate/EvaluatePage';
import { ComparePage } from './features/compare/ComparePage';
import { NotFound } from './components/NotFound';

export const router = createBrowserRouter([
  {
    element: <AppLayout />,
    children: [
      { index: true, element: <RegistryPage /> },
      { path: 'compare', element: <ComparePage /> },
      { path: 'models/:name', element: <Navigate to="v/latest" replace /> },
      {
        path: 'models/:name/v/:ref',
        element: <ModelLayout />,
        children: [
          { index: true, element: <OverviewPage /> },
          { path: 'params', element: <ParamsPage /> },
          { path: 'heatmap', element: <HeatmapPage /> },
          { path: 'prune', element: <PrunePage /> },
          { path: 'topk', element: <TopkPage /> },
          { path: 'encode', element: <EncodePage /> },
          { path: 'rewrite', element: <RewritePage /> },
          { path: 'evaluate', element: <EvaluatePage /> },
        ],
      },
      { path: '*', element: <NotFound /> },
    ],
  },
]);
