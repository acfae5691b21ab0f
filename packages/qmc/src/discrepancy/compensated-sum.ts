/**
 * Neumaier's compensated summation (an improved Kahan sum). The discrepancy double sums add
 * n^2 positive terms of size O(c^d); a plain running sum loses ~n^2 * eps relative accuracy in
 * the worst case (~ log n with luck), the compensated sum keeps the error at ~2 eps of the
 * total independently of n, which matters because the final result is a small difference of
 * O(1) quantities.
 */
export class CompensatedSum {
  private sum = 0;
  private compensation = 0;

  add(value: number): void {
    const t = this.sum + value;
    // The low-order bits lost by the addition, recovered exactly (Fast2Sum on the larger operand).
    if (Math.abs(this.sum) >= Math.abs(value)) this.compensation += this.sum - t + value;
    else this.compensation += value - t + this.sum;
    this.sum = t;
  }

  get value(): number {
    return this.sum + this.compensation;
  }
}
