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
