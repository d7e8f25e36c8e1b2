import { describe, expect, it } from 'vitest';
import { LabeledSetError } from '../errors.js';
import { parseManifest } from './labeled-set-manifest.js';

describe('parseManifest', () => {
  it('reads CSV with quoted fields, CRLF line ends and empty cells', () => {
    const rows = parseManifest(
      'file,label,type,source_id\r\n"a,1.safetensors",1,training,"he said ""x"""\r\nb.safetensors,-1,,\r\n',
      'csv',
    );
    expect(rows).toEqual([
      { file: 'a,1.safetensors', label: 1, type: 'training', sourceId: 'he said "x"' },
      { file: 'b.safetensors', label: -1 },
    ]);
  });

  it('reads JSON arrays and {rows} documents; numbers as ids become strings', () => {
    const rows = [{ row: 3, label: 0, type: 'neutral_dataset', source_id: 8, data_split: 'test' }];
    const want = [{ row: 3, label: 0, type: 'neutral_dataset', sourceId: '8', dataSplit: 'test' }];
    expect(parseManifest(JSON.stringify(rows), 'json')).toEqual(want);
    expect(parseManifest(JSON.stringify({ rows }), 'json')).toEqual(want);
  });

  it('refuses duplicates, empty sets, bad rows and bad JSON', () => {
    expect(() => parseManifest('[{"row": 1, "label": 1}, {"row": 1, "label": -1}]', 'json')).toThrowError(
      'manifest row 2: row 1 is listed twice',
    );
    expect(() => parseManifest('file,label\n', 'csv')).toThrowError('the manifest lists no samples');
    expect(() => parseManifest('[{"row": -1, "label": 1}]', 'json')).toThrowError(
      /row must be a non-negative integer/,
    );
    expect(() => parseManifest('[{"label": 1}]', 'json')).toThrowError(
      'manifest row 1: give either file or row',
    );
    expect(() => parseManifest('{', 'json')).toThrowError(LabeledSetError);
    expect(() => parseManifest('file,label\n"x,1\n', 'csv')).toThrowError(/unterminated/);
  });
});
