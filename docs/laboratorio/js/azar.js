// Números al azar reproducibles: mulberry32, el mismo generador que
// cnnviz.features.noise en Python. Así SmoothGrad y la línea de base de ruido
// usan en el navegador exactamente el mismo ruido que en PyTorch.

export function uniforme(n, semilla) {
  const u = new Float64Array(n);
  let a = semilla | 0;
  for (let i = 0; i < n; i++) {
    a = (a + 0x6D2B79F5) | 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t = (t + Math.imul(t ^ (t >>> 7), t | 61)) ^ t;
    u[i] = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  return u;
}

// Normal N(0, 1) por Box-Muller, con dos uniformes por número
export function gaussiana(n, semilla) {
  const u = uniforme(2 * n, semilla), z = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    z[i] = Math.sqrt(-2 * Math.log(1 - u[2 * i])) * Math.cos(2 * Math.PI * u[2 * i + 1]);
  }
  return z;
}
