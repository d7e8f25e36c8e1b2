import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { parseProblem } from '../api/problem';
import { ProblemMessage } from './ProblemMessage';

describe('upload error rendering', () => {
  it('shows a problem+json answer plainly: title, status, detail, offending file and code', () => {
    const body = JSON.stringify({
      type: 'urn:gradiend:problem:checkpoint-invalid',
      title: 'Invalid checkpoint',
      status: 422,
      detail: 'selected total 59 != input_dim 60',
      code: 'GRADIEND_ERR_CHECKPOINT_INVALID',
      file: 'config.json',
    });
    render(<ProblemMessage problem={parseProblem(422, 'Unprocessable Entity', body)} action="Upload" />);
    const alert = screen.getByRole('alert');
    expect(alert).toHaveTextContent('Upload failed: Invalid checkpoint (HTTP 422)');
    expect(alert).toHaveTextContent('selected total 59 != input_dim 60');
    expect(alert).toHaveTextContent('GRADIEND_ERR_CHECKPOINT_INVALID');
    expect(screen.getByText('file').nextSibling).toHaveTextContent('config.json');
  });

  it('still says something for a non-JSON error page', () => {
    const problem = parseProblem(502, 'Bad Gateway', '<html>upstream down</html>');
    expect(problem).toEqual({
      type: 'about:blank',
      title: 'Bad Gateway',
      status: 502,
      detail: '<html>upstream down</html>',
    });
    render(<ProblemMessage problem={problem} action="Upload" />);
    expect(screen.getByRole('alert')).toHaveTextContent('Upload failed: Bad Gateway (HTTP 502)');
  });

  it('keeps the HTTP status when the document omits it', () => {
    expect(parseProblem(413, '', JSON.stringify({ title: 'Too large', detail: 'limit 8 GiB' })).status).toBe(
      413,
    );
  });
});

describe('plain-language problems', () => {
  const show = (problem: Record<string, unknown>) => {
    render(
      <ProblemMessage
        problem={parseProblem(422, '', JSON.stringify({ title: 'x', status: 422, ...problem }))}
        action="Upload"
      />,
    );
    return screen.getByRole('alert');
  };

  it('says a non-safetensors file is one, not how long its "header" is', () => {
    const alert = show({
      code: 'GRADIEND_ERR_SAFETENSORS_FORMAT',
      rule: 'header-too-large',
      detail: 'header length 727905341920923785 exceeds the 100000000-byte limit of the reference reader',
    });
    expect(alert.querySelector('.problem-summary')).toHaveTextContent(/is not a safetensors file/);
  });

  it('explains a missing config.json and never shows a server path', () => {
    const alert = show({
      code: 'GRADIEND_ERR_CHECKPOINT',
      file: 'config.json',
      detail: 'config.json not found in /srv/data/tmp/upload-1234/checkpoint',
    });
    expect(alert).toHaveTextContent('The checkpoint has no config.json');
    expect(alert).not.toHaveTextContent('/srv/data');
    expect(alert).toHaveTextContent('config.json not found in …');
  });

  it('turns "combined_mask all False" into what to do', () => {
    const alert = show({
      code: 'GRADIEND_ERR_PRUNE_ARGUMENT',
      detail: 'Pruning would remove all dimensions (combined_mask all False).',
    });
    expect(alert.querySelector('.problem-summary')).toHaveTextContent(/keeps no dims.*Lower it/);
  });
});
