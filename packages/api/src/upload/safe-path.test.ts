import { describe, expect, it } from 'vitest';
import { ApiError } from '../errors/api-error.js';
import { checkpointFileNames, splitUploadPath } from './safe-path.js';

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof ApiError ? e.code : 'other';
  }
  return undefined;
}

describe('upload paths', () => {
  it('rejects absolute, drive, backslash and parent paths', () => {
    for (const bad of ['/etc/passwd', 'C:/x.json', 'a\\b.json', '../config.json', 'model/../../x', '']) {
      expect(code(() => splitUploadPath(bad))).toBe('GRADIEND_ERR_UPLOAD_PATH');
    }
  });

  it('drops a shared folder prefix and keeps flat names', () => {
    const entries = ['ckpt/config.json', 'ckpt/model.safetensors'].map((p) => ({
      segments: splitUploadPath(p),
    }));
    expect(checkpointFileNames(entries)).toEqual(['config.json', 'model.safetensors']);
    expect(checkpointFileNames([{ segments: ['config.json'] }])).toEqual(['config.json']);
  });

  it('rejects nesting, duplicates and unexpected files', () => {
    expect(
      code(() => checkpointFileNames([{ segments: ['a', 'b', 'config.json'] }, { segments: ['x.json'] }])),
    ).toBe('GRADIEND_ERR_UPLOAD_PATH');
    expect(code(() => checkpointFileNames([{ segments: ['run.sh'] }]))).toBe(
      'GRADIEND_ERR_UPLOAD_UNEXPECTED_FILE',
    );
    expect(
      code(() => checkpointFileNames([{ segments: ['a', 'x.json'] }, { segments: ['b', 'x.json'] }])),
    ).toBe('GRADIEND_ERR_UPLOAD_PATH');
  });
});
