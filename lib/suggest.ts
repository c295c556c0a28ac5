// "Did you mean ...?" for a misspelt option name: the known name fewest edits away, when it is near enough
// to be a slip of the keyboard rather than another word.

/** Edits (insert, delete, replace, or swap two neighbours) that turn a into b, ignoring case. */
function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  // rows[i][j]: the distance between the first i characters of s and the first j of t.
  const rows: number[][] = [Array.from({ length: t.length + 1 }, (_, j) => j)];
  for (let i = 1; i <= s.length; i++) {
    const row = [i];
    for (let j = 1; j <= t.length; j++) {
      let best = Math.min(rows[i - 1][j] + 1, row[j - 1] + 1, rows[i - 1][j - 1] + (s[i - 1] === t[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1])
        best = Math.min(best, rows[i - 2][j - 2] + 1);
      row.push(best);
    }
    rows.push(row);
  }
  return rows[s.length][t.length];
}

/** The candidate closest to word, if no more edits away than a third of the candidate's length (or one). */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let found: string | undefined;
  let foundDistance = Infinity;
  for (const candidate of candidates) {
    const limit = Math.max(1, Math.floor(candidate.length / 3));
    // Lengths this far apart cannot be near: skip before the quadratic work (a key may be huge).
    if (Math.abs(candidate.length - word.length) > limit) continue;
    const distance = editDistance(word, candidate);
    if (distance <= limit && distance < foundDistance) {
      found = candidate;
      foundDistance = distance;
    }
  }
  return found;
}
