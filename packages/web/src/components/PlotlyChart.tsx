import Plotly from 'plotly.js-dist-min';
import type { Config, Data, Layout, PlotlyHTMLElement, PlotMouseEvent, PlotRelayoutEvent } from 'plotly.js';
import { useEffect, useRef } from 'react';

export interface PlotlyChartProps {
  data: Data[];
  layout: Partial<Layout>;
  config?: Partial<Config>;
  ariaLabel: string;
  className?: string;
  onHover?: (event: PlotMouseEvent) => void;
  onClick?: (event: PlotMouseEvent) => void;
  onRelayout?: (event: PlotRelayoutEvent) => void;
  /** Called after every completed draw (used for render timing and tests). */
  onRendered?: () => void;
}

const BASE_CONFIG: Partial<Config> = { displaylogo: false, responsive: true };

/** Thin wrapper over Plotly.react; only this module imports plotly, so it lands in its own chunk. */
export default function PlotlyChart(props: PlotlyChartProps) {
  const ref = useRef<HTMLDivElement>(null);
  const handlers = useRef(props);
  handlers.current = props;
  const { data, layout, config } = props;

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    let cancelled = false;
    void Plotly.react(el, data, layout, { ...BASE_CONFIG, ...config }).then((plot: PlotlyHTMLElement) => {
      if (cancelled) return;
      el.dataset.plotReady = 'true';
      handlers.current.onRendered?.();
      return plot;
    });
    return () => {
      cancelled = true;
    };
  }, [data, layout, config]);

  useEffect(() => {
    const el = ref.current as (HTMLDivElement & Partial<PlotlyHTMLElement>) | null;
    if (!el) return;
    // Handlers are attached once plotly has initialised the div; they read the latest props via the ref.
    // A full redraw (Plotly.react falls back to newPlot) removes every listener of the div, and may
    // replace its emitter: attach again whenever the emitter has none of ours.
    const attach = () => {
      const emitter = (el as { _ev?: { listenerCount(event: string): number } })._ev;
      if (!el.on || !emitter || emitter.listenerCount('plotly_hover') > 0) return;
      el.dataset.handlers = 'true';
      el.on('plotly_hover', (e: PlotMouseEvent) => handlers.current.onHover?.(e));
      el.on('plotly_click', (e: PlotMouseEvent) => handlers.current.onClick?.(e));
      el.on('plotly_relayout', (e: PlotRelayoutEvent) => handlers.current.onRelayout?.(e));
    };
    const id = window.setInterval(attach, 50);
    attach();
    return () => window.clearInterval(id);
  }, []);

  useEffect(() => {
    const el = ref.current;
    return () => {
      if (el) Plotly.purge(el);
    };
  }, []);

  return <div ref={ref} className={props.className ?? 'plot'} role="img" aria-label={props.ariaLabel} />;
}
