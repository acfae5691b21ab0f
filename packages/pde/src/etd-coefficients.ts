/**
 * ETDRK4 coefficients (Cox & Matthews 2002) for a diagonal linear part c (one real value per
 * Fourier mode) and step h, evaluated with the contour integral of Kassam & Trefethen (2005):
 * each phi-type function g(z) is averaged over M points on a circle of radius 1 around z = c h,
 * g(z) = mean_m g(z + r_m), which avoids the cancellation of the closed forms for small |z|
 * (the closed form of (e^z - 1)/z loses ~|log10 z| digits; the mean of the contour values is
 * accurate to round-off for |z| < ~ 1e2 with M = 32, the trapezoidal rule being spectrally
 * accurate on the circle).
 */
export interface ETDRK4Coefficients {
  /** e^{c h} */
  E: Float64Array;
  /** e^{c h / 2} */
  E2: Float64Array;
  /** h (e^{z/2} - 1) / z at z = c h */
  Q: Float64Array;
  f1: Float64Array;
  f2: Float64Array;
  f3: Float64Array;
}

export function etdrk4Coefficients(c: Float64Array, h: number, M = 32): ETDRK4Coefficients {
  const n = c.length;
  const out: ETDRK4Coefficients = {
    E: new Float64Array(n),
    E2: new Float64Array(n),
    Q: new Float64Array(n),
    f1: new Float64Array(n),
    f2: new Float64Array(n),
    f3: new Float64Array(n),
  };
  // Complex helpers on (re, im) pairs.
  for (let k = 0; k < n; k++) {
    const z0 = (c[k] as number) * h;
    out.E[k] = Math.exp(z0);
    out.E2[k] = Math.exp(z0 / 2);
    let q = 0;
    let a1 = 0;
    let a2 = 0;
    let a3 = 0;
    for (let m = 0; m < M; m++) {
      // Points e^{i pi (m + 1/2) / M}, m = 0..M-1, and their conjugates: the integrands are real
      // for real z, so the average over the full circle is the real part over the upper half.
      const th = (Math.PI * (m + 0.5)) / M;
      const zr = z0 + Math.cos(th);
      const zi = Math.sin(th);
      // e^z, e^{z/2}
      const ez = Math.exp(zr);
      const er = ez * Math.cos(zi);
      const ei = ez * Math.sin(zi);
      const eh = Math.exp(zr / 2);
      const hr = eh * Math.cos(zi / 2);
      const hi = eh * Math.sin(zi / 2);
      // 1/z, 1/z^3
      const d = zr * zr + zi * zi;
      const ir = zr / d;
      const ii = -zi / d;
      const i2r = ir * ir - ii * ii;
      const i2i = 2 * ir * ii;
      const i3r = i2r * ir - i2i * ii;
      const i3i = i2r * ii + i2i * ir;
      const z2r = zr * zr - zi * zi;
      const z2i = 2 * zr * zi;
      // Q: (e^{z/2} - 1) / z
      q += (hr - 1) * ir - hi * ii;
      // f1: (-4 - z + e^z (4 - 3z + z^2)) / z^3
      let pr = 4 - 3 * zr + z2r;
      let pi = -3 * zi + z2i;
      let nr = -4 - zr + (er * pr - ei * pi);
      let ni = -zi + (er * pi + ei * pr);
      a1 += nr * i3r - ni * i3i;
      // f2: (2 + z + e^z (z - 2)) / z^3
      pr = zr - 2;
      pi = zi;
      nr = 2 + zr + (er * pr - ei * pi);
      ni = zi + (er * pi + ei * pr);
      a2 += nr * i3r - ni * i3i;
      // f3: (-4 - 3z - z^2 + e^z (4 - z)) / z^3
      pr = 4 - zr;
      pi = -zi;
      nr = -4 - 3 * zr - z2r + (er * pr - ei * pi);
      ni = -3 * zi - z2i + (er * pi + ei * pr);
      a3 += nr * i3r - ni * i3i;
    }
    out.Q[k] = (h * q) / M;
    out.f1[k] = (h * a1) / M;
    out.f2[k] = (h * a2) / M;
    out.f3[k] = (h * a3) / M;
  }
  return out;
}
