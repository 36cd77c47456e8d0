// performance.mark() milestones ("vcf:*") for the benchmark and for debugging.
export function mark(name: string): void {
  try {
    performance.mark(`vcf:${name}`);
  } catch {
    /* marks are best effort */
  }
}
