/**
 * The buffer under `view` when the view spans all of it, so moving it to another thread takes
 * nothing else along; empty otherwise (a slice of a shared slab or of a SharedArrayBuffer is copied).
 */
export function ownBuffer(view: ArrayBufferView): ArrayBuffer[] {
  const { buffer } = view;
  const whole =
    buffer instanceof ArrayBuffer &&
    buffer.byteLength > 0 &&
    view.byteOffset === 0 &&
    view.byteLength === buffer.byteLength;
  return whole ? [buffer] : [];
}
