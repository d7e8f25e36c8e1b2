import type { ReactNode } from 'react';

/** A folded "What am I looking at?" note for a researcher who knows GRADIEND but not this UI. */
export function Explain({ children }: { children: ReactNode }) {
  return (
    <details className="explain" data-testid="explain">
      <summary>What am I looking at?</summary>
      <div className="explain-body">{children}</div>
    </details>
  );
}

/**
 * The four importance parts, as the core computes them (input dim i, latent unit j; W_enc is
 * latent × input, W_dec input × latent, b_dec the decoder bias). One source for every view.
 */
export function ImportanceParts() {
  return (
    <dl className="explain-parts">
      <div>
        <dt>decoder-weight (default)</dt>
        <dd>
          <code>I[i] = Σ_j |W_dec[i, j]|</code>: how strongly the latent writes dim i back (L1 of decoder row
          i).
        </dd>
      </div>
      <div>
        <dt>encoder-weight</dt>
        <dd>
          <code>I[i] = Σ_j |W_enc[j, i]|</code>: how strongly dim i feeds the latent (L1 of encoder column i).
        </dd>
      </div>
      <div>
        <dt>decoder-bias</dt>
        <dd>
          <code>I[i] = |b_dec[i]|</code>: the decoder's offset for dim i (0 without a decoder bias).
        </dd>
      </div>
      <div>
        <dt>decoder-sum</dt>
        <dd>
          <code>I[i] = |Σ_j W_dec[i, j] + b_dec[i]|</code>: the size of the update the decoder writes to dim i
          for a latent of 1 in every unit.
        </dd>
      </div>
    </dl>
  );
}

export const UNITS_NOTE =
  'Importances are in the units of the weights themselves (no normalisation), so compare them within one model and part, not across models.';
