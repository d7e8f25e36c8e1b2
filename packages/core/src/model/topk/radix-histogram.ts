/** The bucket (counting from the top) that holds the `rank`-th largest entry, and how many lie above it. */
export function bucketHoldingRank(hist: ArrayLike<number>, rank: number): [number, number] {
  let above = 0;
  for (let b = hist.length - 1; b >= 0; b--) {
    const c = hist[b] as number;
    if (above + c >= rank) return [b, above];
    above += c;
  }
  return [0, above];
}
