import { describe, expect, it } from 'vitest';
import { folderProblem, sourceFromFiles } from './drop-files';
import { slugify } from './slug';

const f = (name: string) => new File(['x'], name);

describe('upload sources', () => {
  it('treats one archive as an archive upload', () => {
    const picked = sourceFromFiles([{ path: 'My Model.tar.gz', file: f('My Model.tar.gz') }]);
    expect(picked?.source.kind).toBe('archive');
    expect(slugify(picked?.name ?? '')).toBe('my-model');
  });

  it('strips the dropped folder name from file paths', () => {
    const picked = sourceFromFiles([
      { path: 'ckpt/config.json', file: f('config.json') },
      { path: 'ckpt/model.safetensors', file: f('model.safetensors') },
    ]);
    expect(picked?.name).toBe('ckpt');
    expect(picked?.source.kind === 'files' && picked.source.files.map((x) => x.path)).toEqual([
      'config.json',
      'model.safetensors',
    ]);
  });
});

describe('folderProblem', () => {
  it('refuses a folder without config.json before uploading, in plain words', () => {
    expect(folderProblem([{ path: 'model.safetensors' }, { path: 'training.json' }])).toMatch(
      /no config\.json/,
    );
    expect(folderProblem([{ path: 'model.safetensors' }, { path: 'config.json' }])).toBeNull();
  });
});
