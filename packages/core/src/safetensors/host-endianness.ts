const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Safetensors data is little-endian and we read and write it through typed-array views, which use
 * the host byte order. Rather than silently byte-swapping every value, refuse big-endian hosts.
 */
export function assertLittleEndianHost(): void {
  if (!LITTLE_ENDIAN_HOST) {
    throw new Error(
      'safetensors I/O needs a little-endian host: tensor data is little-endian and is accessed through typed-array views',
    );
  }
}
