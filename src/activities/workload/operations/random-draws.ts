/** The workload's random draws: a whole number in a range, one of some values, one by weight. */

/** A whole number in [min, max], each equally likely. */
export const between = (min: number, max: number): number => min + Math.floor(Math.random() * (max - min + 1));

/** One of the items, each equally likely. */
export const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;

/** Picks one of the items by its weight among them. */
export function weightedChooser<T>(items: readonly T[], weights: readonly number[]): () => T {
  const total = weights.reduce((a, b) => a + b, 0);
  return () => {
    let r = Math.random() * total;
    for (let i = 0; i < items.length; i++) {
      r -= weights[i]!;
      if (r < 0) return items[i]!;
    }
    return items[items.length - 1]!;
  };
}
